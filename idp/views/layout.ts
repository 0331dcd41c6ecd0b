import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import type { PageLanguage } from './i18n.js';
import { type Locale, STYLESHEET, SUPPORTED_LOCALES } from './web-shim.js';

/**
 * Our pages run no script; styles come from the shared stylesheet (/assets/app.css) and images are
 * our own or data: URLs (QR codes). No form-action: Chromium applies it to the redirects after a
 * post, and a finished sign-in redirects to the client's own origin.
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

const TEMPLATES = fileURLToPath(new URL('./templates', import.meta.url));
/** govuk-frontend's Nunjucks macros are imported as "govuk/components/<name>/macro.njk". */
const GOVUK = join(dirname(createRequire(import.meta.url).resolve('govuk-frontend/package.json')), 'dist');

/** Each language named in itself, as the language switch shows it. */
const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', hi: 'हिन्दी', bn: 'বাংলা' };

const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([TEMPLATES, GOVUK]), {
  autoescape: true,
  throwOnUndefined: false,
});

/**
 * Renders one of the idp's templates (idp/views/templates) in the page's language. `data.title`
 * is the page's one h1 and the start of its <title>; `data.error` (already translated) turns on
 * the error summary, linked to the field named by `data.errorField`.
 */
export function renderView(template: string, lang: PageLanguage, data: { title: string } & Record<string, unknown>) {
  const { switchHref } = lang;
  const languages = switchHref
    ? SUPPORTED_LOCALES.map((locale) => ({
        text: LANGUAGE_NAMES[locale],
        lang: locale,
        current: locale === lang.locale,
        href: locale === lang.locale ? undefined : switchHref(locale),
      }))
    : undefined;
  return env.render(template, { ...data, t: lang.t, locale: lang.locale, stylesheet: STYLESHEET, languages });
}
