import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINE_STATUSES, PAYMENT_STATUSES } from '../../hub/payments/state-machine.js';
import { VIEWS_DIR } from '../../hub/portal/http/render.js';
import { LOCALES_DIR } from '../../hub/portal/index.js';
import { SUPPORTED_LOCALES } from '../../infra/web/locale.js';

type Catalog = { [key: string]: string | Catalog };
const catalogs = Object.fromEntries(
  SUPPORTED_LOCALES.map((locale) => [
    locale,
    JSON.parse(readFileSync(join(LOCALES_DIR, `${locale}.json`), 'utf8')) as Catalog,
  ]),
);

function flatten(catalog: Catalog, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(catalog).flatMap(([key, value]) =>
      typeof value === 'string' ? [[prefix + key, value]] : Object.entries(flatten(value, `${prefix}${key}.`)),
    ),
  );
}
const flat = Object.fromEntries(SUPPORTED_LOCALES.map((locale) => [locale, flatten(catalogs[locale] as Catalog)]));
const english = flat.en as Record<string, string>;

/** Every literal key the templates and route code ask for: t('a.b'), `'a.b'` passed as a titleKey. */
function keysUsed(): Set<string> {
  const sources = [
    ...readdirSync(VIEWS_DIR).map((file) => join(VIEWS_DIR, file)),
    ...readdirSync(join(VIEWS_DIR, '..', 'routes')).map((file) => join(VIEWS_DIR, '..', 'routes', file)),
  ];
  const keys = new Set<string>();
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\bt\(\s*'([a-z][\w.]*[a-zA-Z_])'/g)) keys.add(match[1] as string);
    for (const match of text.matchAll(/(?:titleKey|key):\s*'([a-z][\w.]*[a-zA-Z_])'/g)) keys.add(match[1] as string);
  }
  return keys;
}

describe('message catalogs', () => {
  it('Hindi and Bengali have exactly the English keys', () => {
    for (const locale of ['hi', 'bn']) {
      expect(Object.keys(flat[locale] as object).sort(), locale).toEqual(Object.keys(english).sort());
    }
  });

  it('Hindi and Bengali are translations, not English copies, with the same placeholders', () => {
    for (const locale of ['hi', 'bn']) {
      const catalog = flat[locale] as Record<string, string>;
      const copied = Object.keys(english).filter(
        (key) =>
          catalog[key] === english[key] &&
          /[a-z]{4}/.test(english[key] ?? '') &&
          !/^\{\{|HUB_|CSV|PDF/.test(english[key] ?? ''),
      );
      expect(copied, locale).toEqual([]);
      const script = locale === 'hi' ? /[\u0900-\u097F]/ : /[\u0980-\u09FF]/;
      const native = Object.values(catalog).filter((text) => script.test(text)).length;
      expect(native / Object.keys(catalog).length, locale).toBeGreaterThan(0.95);
      for (const [key, text] of Object.entries(english)) {
        const placeholders = (value: string) => [...value.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
        expect(placeholders(catalog[key] ?? ''), `${locale} ${key}`).toEqual(placeholders(text));
      }
    }
  });

  it('every key the pages ask for by name is in the catalogs', () => {
    const used = keysUsed();
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((key) => !(key in english));
    expect(missing).toEqual([]);
  });

  it('every status the hub can show a citizen has words in each language', () => {
    // Every payment status, and the two the citizen sees instead while a line is unresolved.
    const statuses = [...PAYMENT_STATUSES, 'being_confirmed', 'under_review'];
    const lineStatuses = [...LINE_STATUSES, 'being_confirmed', 'under_review'];
    for (const locale of SUPPORTED_LOCALES) {
      const catalog = flat[locale] as Record<string, string>;
      for (const status of statuses) expect(catalog[`status.${status}`], `${locale} ${status}`).toBeTruthy();
      for (const status of lineStatuses) expect(catalog[`lineStatus.${status}`], `${locale} ${status}`).toBeTruthy();
    }
  });
});
