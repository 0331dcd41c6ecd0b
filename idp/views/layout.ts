import { fileURLToPath } from 'node:url';
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

/** Renders one of the idp's templates in the page's language, with its language switch if it has one. */
export function renderView(template: string, lang: PageLanguage, data: ViewData): string {
  const { switchHref } = lang;
  const languages = switchHref
    ? SUPPORTED_LOCALES.map((locale) => ({
        text: LANGUAGE_NAMES[locale],
        lang: locale,
        current: locale === lang.locale,
        href: locale === lang.locale ? undefined : switchHref(locale),
      }))
    : undefined;
  return views.render(template, {
    homeUrl: '/account',
    ...data,
    pageTitle: data.title,
    hasErrors: Boolean(data.error),
    t: lang.t,
    lang: lang.locale,
    languages,
  });
}
