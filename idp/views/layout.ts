import { fileURLToPath } from 'node:url';
import escapeHtml from 'escape-html';
import nunjucks from 'nunjucks';
import { SUPPORTED_LOCALES } from '../../infra/web/locale.js';
import { addCachedComponents, createViewEnvironment } from '../../infra/web/views.js';
import type { Locale, PageLanguage } from './i18n.js';

/**
 * Our pages run no script; styles come from the shared stylesheet (/assets/app.css, served by
 * designAssets) and images are our own or data: URLs (QR codes). No form-action: Chromium applies
 * it to the redirects after a post, and a finished sign-in redirects to the client's own origin.
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

/** Each language named in itself, as the language switch shows it. */
const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', hi: 'हिन्दी', bn: 'বাংলা' };

/** The idp's templates (idp/views/templates) over the shared layout and govuk-frontend's macros. */
const views = createViewEnvironment([fileURLToPath(new URL('./templates', import.meta.url))]);
/**
 * The fields and buttons of the pages, as globals whose HTML is kept by their parameters
 * (addCachedComponents): each page would otherwise render the same govukInput and govukButton
 * afresh on every request. The templates call them without importing them.
 */
addCachedComponents(views, [
  { name: 'govukInput', path: 'govuk/components/input/macro.njk' },
  { name: 'govukButton', path: 'govuk/components/button/macro.njk' },
]);

export interface ViewData extends Record<string, unknown> {
  /** The page's one h1 and the start of its <title>. */
  title: string;
  /** Already translated; turns on the error summary and the "Error:" title prefix. */
  error?: string;
  /** The id of the field the error is about, which the summary links to. */
  errorField?: string;
  /** Where the header's service name links; the idp has no home page of its own. */
  homeUrl?: string;
}

/**
 * Where a language's link goes in the kept navigation: the locale between two private-use
 * characters (U+E000), which no catalog message or template holds, so the replace below finds
 * only these. The replace reads the kept HTML only, never the links it puts in.
 */
const hrefSlot = (locale: Locale) => `\ue000${locale}\ue000`;
const HREF_SLOTS = /\ue000([a-z]+)\ue000/g;

const languageNavigationTemplate = new nunjucks.Template(
  '{% from "govuk/components/language-navigation/macro.njk" import govukLanguageNavigation %}{{ govukLanguageNavigation(params) }}',
  views,
  'language navigation',
);
/** The language navigation's HTML per page language, with a slot for each link (see languageNavigation). */
const navigationByLocale = new Map<Locale, string>();

/**
 * The header's language navigation (govuk-frontend's govukLanguageNavigation) for `lang`, its
 * links from `switchHref`. Rendering the component costs more than the rest of a login page
 * (its macro imports its templates again on every call), and only the links change from one
 * sign-in to the next: so it is rendered once per language with a slot per link, and each page
 * fills the slots with its links, HTML-escaped as the component would (escape-html).
 */
function languageNavigation(lang: PageLanguage, switchHref: (locale: Locale) => string): nunjucks.runtime.SafeString {
  let html = navigationByLocale.get(lang.locale);
  if (html === undefined) {
    html = languageNavigationTemplate.render({
      params: {
        ariaLabel: lang.t('layout.languageNav'),
        items: SUPPORTED_LOCALES.map((locale) => ({
          text: LANGUAGE_NAMES[locale],
          lang: locale,
          current: locale === lang.locale,
          href: locale === lang.locale ? undefined : hrefSlot(locale),
        })),
      },
    });
    navigationByLocale.set(lang.locale, html);
  }
  return new nunjucks.runtime.SafeString(
    html.replace(HREF_SLOTS, (_slot, locale: string) => escapeHtml(switchHref(locale as Locale))),
  );
}

/** Renders one of the idp's templates in the page's language, with its language switch if it has one. */
export function renderView(template: string, lang: PageLanguage, data: ViewData): string {
  const { switchHref } = lang;
  return views.render(template, {
    homeUrl: '/account',
    ...data,
    pageTitle: data.title,
    hasErrors: Boolean(data.error),
    t: lang.t,
    lang: lang.locale,
    languageNavigation: switchHref ? languageNavigation(lang, switchHref) : undefined,
  });
}
