import { fileURLToPath } from 'node:url';
import { createMessageLookup } from '../../infra/web/i18n.js';
import { type Locale, SUPPORTED_LOCALES } from '../../infra/web/locale.js';

export { type Locale, SUPPORTED_LOCALES };

/** A message from the idp's catalogs (idp/locales/<locale>.json), with i18next interpolation and plurals. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** Where the idp's catalogs live: one JSON file per supported locale. */
export const CATALOG_DIR = fileURLToPath(new URL('../locales', import.meta.url));

const catalogs = createMessageLookup(CATALOG_DIR);

/**
 * A locale's messages over the shared i18next instance (createMessageLookup, which turns
 * HTML-escaping of interpolated values off: every message reaches a page through the templates,
 * which escape all output, or a plain-text SMS/email). A message asked for without options
 * (most of a page's labels) is the same for the life of the process, since the catalogs are read
 * once: it is looked up in i18next once per locale and key, then remembered, so a page does not
 * run i18next's key resolution, interpolation and nesting passes again for each fixed label.
 * Messages with options (interpolation, plurals) go to i18next every time. Keys are the code's
 * and templates' own literals, never request input, so what is remembered is bounded by the catalogs.
 */
function localeTranslator(locale: Locale): Translate {
  const t = catalogs(locale);
  const fixed = new Map<string, string>();
  return (key, options) => {
    if (options !== undefined) return t(key, options);
    let message = fixed.get(key);
    if (message === undefined) {
      message = t(key);
      fixed.set(key, message);
    }
    return message;
  };
}

/** One translator per supported locale, built once: their remembered messages serve every request. */
const translators = new Map<Locale, Translate>(SUPPORTED_LOCALES.map((locale) => [locale, localeTranslator(locale)]));

/** The idp's messages in one language (see localeTranslator); the same function for every request in that language. */
export function translator(locale: Locale): Translate {
  return translators.get(locale) ?? localeTranslator(locale);
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
