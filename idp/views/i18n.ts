import { fileURLToPath } from 'node:url';
import { createTranslator } from '../../infra/web/i18n.js';
import { type Locale, SUPPORTED_LOCALES } from '../../infra/web/locale.js';

export { type Locale, SUPPORTED_LOCALES };

/** A message from the idp's catalogs (idp/locales/<locale>.json), with i18next interpolation and plurals. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** Where the idp's catalogs live: one JSON file per supported locale. */
export const CATALOG_DIR = fileURLToPath(new URL('../locales', import.meta.url));

const catalogs = createTranslator(CATALOG_DIR);

/**
 * The idp's messages in one language. Interpolated values are not HTML-escaped here: every
 * message reaches a page through the templates, which escape all output, or a plain-text SMS/email.
 */
export function translator(locale: Locale): Translate {
  const t = catalogs(locale);
  return (key, options) => String(t(key, { ...options, interpolation: { escapeValue: false } }));
}

/** What every page needs to speak the citizen's language. */
export interface PageLanguage {
  locale: Locale;
  t: Translate;
  /** Where the language switch points for each locale; pages without one (logout, errors) omit it. */
  switchHref?: (locale: Locale) => string;
}

/** A page's language; `switchHref` makes the page offer the switch to the other languages. */
export function pageLanguage(locale: Locale, switchHref?: (locale: Locale) => string): PageLanguage {
  return { locale, t: translator(locale), switchHref };
}

/** "5 minutes", "90 seconds" in the page's language: how long a one-time code works. */
export function durationText(t: Translate, seconds: number): string {
  return seconds % 60 === 0 ? t('time.minutes', { count: seconds / 60 }) : t('time.seconds', { count: seconds });
}
