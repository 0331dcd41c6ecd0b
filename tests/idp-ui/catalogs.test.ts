import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG_DIR, SUPPORTED_LOCALES } from '../../idp/views/i18n.js';

type Catalog = { [key: string]: string | Catalog };

const catalogs = Object.fromEntries(
  SUPPORTED_LOCALES.map((locale) => [locale, JSON.parse(readFileSync(join(CATALOG_DIR, `${locale}.json`), 'utf8'))]),
) as Record<(typeof SUPPORTED_LOCALES)[number], Catalog>;

/** Every leaf of a catalog as "a.b.c" -> message. */
function flatten(catalog: Catalog, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else for (const [inner, text] of flatten(value, `${prefix}${key}.`)) out.set(inner, text);
  }
  return out;
}

const flat = Object.fromEntries(SUPPORTED_LOCALES.map((locale) => [locale, flatten(catalogs[locale])])) as Record<
  (typeof SUPPORTED_LOCALES)[number],
  Map<string, string>
>;
const SECTIONS = Object.keys(catalogs.en);

/** The idp's page code and templates (and the shared layout they extend): where messages are chosen. */
const UI_DIRS = ['idp/views', 'idp/interactions', 'idp/account-page', 'idp/provider', 'infra/web/views'];

/** Every .ts and .njk file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|njk)$/.test(entry.name) ? [path] : [];
  });
}

/**
 * The catalog keys the code and templates name: the argument of every t('…') call, and every
 * quoted string that starts with a catalog section (keys kept in tables, such as the scopes').
 */
function usedKeys(): Map<string, string> {
  const sectionKey = new RegExp(`^(${SECTIONS.join('|')})\\.[\\w.]+$`);
  const used = new Map<string, string>();
  for (const file of UI_DIRS.flatMap((dir) => sources(dir))) {
    const text = readFileSync(file, 'utf8');
    for (const [, key = ''] of text.matchAll(/\bt\(\s*['"]([^'"]+)['"]/g)) used.set(key, file);
    for (const [, key = ''] of text.matchAll(/['"]([\w.]+)['"]/g)) {
      // File names (templates, modules) are not keys.
      if (sectionKey.test(key) && !/\.(njk|js|json)$/.test(key)) used.set(key, file);
    }
  }
  return used;
}

const placeholders = (message: string) =>
  [...message.matchAll(/\{\{\s*(\w+)[^}]*\}\}/g)].map(([, name]) => name).sort();

describe('the idp message catalogs', () => {
  it('have exactly the same keys in English, Hindi and Bengali', () => {
    const english = [...flat.en.keys()].sort();
    expect(english.length).toBeGreaterThan(80);
    for (const locale of SUPPORTED_LOCALES) expect([...flat[locale].keys()].sort(), locale).toEqual(english);
  });

  it('contain every key the idp code and templates use, in each language (plural forms included)', () => {
    const used = usedKeys();
    // The scan must see the code at work: a page title, a scope sentence, a notice kept in state.
    for (const key of ['identify.title', 'consent.scope.accountsWrite', 'code.resent', 'layout.footer']) {
      expect(used.has(key), key).toBe(true);
    }
    for (const locale of SUPPORTED_LOCALES) {
      const missing = [...used].filter(
        ([key]) => !flat[locale].has(key) && !(flat[locale].has(`${key}_one`) && flat[locale].has(`${key}_other`)),
      );
      expect(missing, locale).toEqual([]);
    }
  });

  it('use the same placeholders in every language', () => {
    for (const [key, english] of flat.en) {
      for (const locale of ['hi', 'bn'] as const) {
        expect(placeholders(flat[locale].get(key) ?? ''), `${locale} ${key}`).toEqual(placeholders(english));
      }
    }
  });

  it('are really translated: every Hindi message is in Devanagari and every Bengali one in Bengali script', () => {
    // The service's name is a brand and stays in Latin letters.
    const brand = new Set(['layout.serviceName']);
    for (const [key, text] of flat.hi) if (!brand.has(key)) expect(text, `hi ${key}`).toMatch(/[\u0900-\u097f]/);
    for (const [key, text] of flat.bn) if (!brand.has(key)) expect(text, `bn ${key}`).toMatch(/[\u0980-\u09ff]/);
    for (const [key, text] of flat.en) expect(text, `en ${key}`).not.toMatch(/[\u0900-\u09ff]/);
  });

  it('have no empty message', () => {
    for (const locale of SUPPORTED_LOCALES) {
      for (const [key, text] of flat[locale]) expect(text.trim(), `${locale} ${key}`).not.toBe('');
    }
  });
});
