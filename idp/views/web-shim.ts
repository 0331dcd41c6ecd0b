/**
 * TEMPORARY stand-in for the shared web foundation (`infra/web/`, see the portal contract) until
 * it is merged: the same names and shapes, so switching is an import change.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type TFunction } from 'i18next';

export const SUPPORTED_LOCALES = ['en', 'hi', 'bn'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const STYLESHEET = '/assets/app.css';

const isLocale = (value: unknown): value is Locale => SUPPORTED_LOCALES.includes(value as Locale);

/** The citizen's choice when supported, else the best Accept-Language match, else en. */
export function negotiateLocale(choice?: string, acceptLanguage?: string): Locale {
  if (isLocale(choice)) return choice;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.find((entry) => isLocale(entry.tag))?.tag as Locale | undefined ?? 'en';
}

export function createTranslator(catalogDir: string): (locale: Locale) => TFunction {
  const instance = i18next.createInstance();
  const resources = Object.fromEntries(
    SUPPORTED_LOCALES.map((locale) => [
      locale,
      { translation: JSON.parse(readFileSync(join(catalogDir, `${locale}.json`), 'utf8')) },
    ]),
  );
  instance.init({ resources, lng: 'en', fallbackLng: 'en', initAsync: false, interpolation: { escapeValue: false } });
  return (locale) => instance.getFixedT(locale);
}
