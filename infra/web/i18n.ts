import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { DEFAULT_LOCALE, type Locale, SUPPORTED_LOCALES } from './locale.js';

/** A catalog: nested keys to message strings with i18next `{{placeholders}}`. */
export type Catalog = Record<string, unknown>;

/**
 * One i18next instance over the catalogs `<catalogDir>/{en,hi,bn}.json`, read synchronously once,
 * and a translator per locale from it. A key missing in Hindi or Bengali falls back to English.
 * Interpolated values are not HTML-escaped here: the templates auto-escape everything they print.
 * Throws when a catalog is missing or is not valid JSON.
 */
export function createTranslator(catalogDir: string): (locale: Locale) => TFunction {
  const resources = Object.fromEntries(
    SUPPORTED_LOCALES.map((locale) => [
      locale,
      { translation: JSON.parse(readFileSync(join(catalogDir, `${locale}.json`), 'utf8')) as Catalog },
    ]),
  );
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: DEFAULT_LOCALE,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...SUPPORTED_LOCALES],
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  const fixed = new Map(SUPPORTED_LOCALES.map((locale) => [locale, instance.getFixedT(locale)]));
  return (locale) => fixed.get(locale) ?? instance.getFixedT(DEFAULT_LOCALE);
}
