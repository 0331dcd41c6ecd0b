import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debrandGovukCss, designAssets, FAVICON, STYLESHEET } from '../../infra/web/design-assets.js';
import {
  formatDateIST,
  formatDateTimeIST,
  formatMoney,
  isoDateTimeIST,
  minorToDecimal,
} from '../../infra/web/format.js';
import { createTranslator } from '../../infra/web/i18n.js';
import { intlLocale, negotiateLocale, SUPPORTED_LOCALES } from '../../infra/web/locale.js';
import { createViewEnvironment } from '../../infra/web/views.js';

describe('money', () => {
  it('shows ₹ with Indian digit grouping: 18260700 paise is ₹1,82,607.00', () => {
    expect(formatMoney(18260700, 'INR', 'en')).toBe('₹1,82,607.00');
    expect(formatMoney(18260700, 'INR', 'hi')).toBe('₹1,82,607.00');
  });

  it('writes Bengali amounts in Bengali digits', () => {
    expect(formatMoney(18260700, 'INR', 'bn')).toBe('₹১,৮২,৬০৭.০০');
  });

  it('never rounds through floating point: the largest safe paise amount keeps every digit', () => {
    expect(minorToDecimal(Number.MAX_SAFE_INTEGER, 'INR')).toBe('90071992547409.91');
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'INR', 'en')).toBe('₹9,00,71,99,25,47,409.91');
    expect(minorToDecimal(5, 'INR')).toBe('0.05');
    expect(minorToDecimal(-550, 'INR')).toBe('-5.50');
  });

  it('refuses a fractional paise amount', () => {
    expect(() => formatMoney(10.5, 'INR', 'en')).toThrow(RangeError);
  });
});

describe('dates in IST', () => {
  // 20:00 UTC on 30 November is already 1 December in India.
  const lateEvening = new Date('2026-11-30T20:00:00Z');

  it('shows the Indian calendar day of a moment, not the UTC one', () => {
    expect(formatDateIST(lateEvening, 'en')).toBe('1 December 2026');
    expect(formatDateIST(lateEvening.toISOString(), 'hi')).toBe('1 दिसंबर 2026');
  });

  it('shows a date-only due date as the day written, whatever the server time zone', () => {
    expect(formatDateIST('2026-12-05', 'en')).toBe('5 December 2026');
  });

  it('shows a moment with its IST time and zone', () => {
    expect(formatDateTimeIST(lateEvening, 'en')).toBe('1 December 2026 at 1:30 am IST');
  });

  it('exports a moment as ISO 8601 with the +05:30 offset', () => {
    expect(isoDateTimeIST(lateEvening)).toBe('2026-12-01T01:30:00+05:30');
  });

  it('refuses a string that is not a date', () => {
    expect(() => formatDateIST('soon', 'en')).toThrow(RangeError);
  });
});

describe('language negotiation', () => {
  it('the citizen’s choice beats Accept-Language', () => {
    expect(negotiateLocale('bn', 'hi-IN,hi;q=0.9,en;q=0.8')).toBe('bn');
  });

  it('a region tag matches its language: hi-IN;q=0.9 picks Hindi over a lower English', () => {
    expect(negotiateLocale(undefined, 'fr-FR, hi-IN;q=0.9, en;q=0.5')).toBe('hi');
  });

  it('the highest q wins, whatever the order', () => {
    expect(negotiateLocale(undefined, 'en;q=0.3, bn;q=0.8')).toBe('bn');
  });

  it('q=0 rules a language out', () => {
    expect(negotiateLocale(undefined, 'hi;q=0, en;q=0.1')).toBe('en');
  });

  it('an unknown choice or language falls back to English', () => {
    expect(negotiateLocale('xx', 'fr, de;q=0.9')).toBe('en');
    expect(negotiateLocale(undefined, undefined)).toBe('en');
    expect(negotiateLocale(null, 'garbage;;q=x')).toBe('en');
  });

  it('maps each language to its Indian Intl locale', () => {
    expect(SUPPORTED_LOCALES.map(intlLocale)).toEqual(['en-IN', 'hi-IN', 'bn-IN']);
  });
});

describe('message catalogs', () => {
  const t = createTranslator(join(import.meta.dirname, 'fixtures/catalog'));

  it('translates with placeholders per language', () => {
    expect(t('en')('greeting', { name: 'Asha' })).toBe('Hello Asha');
    expect(t('hi')('greeting', { name: 'Asha' })).toBe('नमस्ते Asha');
    expect(t('bn')('greeting', { name: 'Asha' })).toBe('নমস্কার Asha');
  });

  it('leaves escaping to the templates: a value comes back as given', () => {
    expect(t('en')('greeting', { name: '<b>' })).toBe('Hello <b>');
  });

  it('falls back to English for a key a catalog lacks', () => {
    expect(t('hi')('onlyEnglish')).toBe('Only in English');
  });
});

describe('design assets', () => {
  let url = '';
  let close = () => {};
  beforeAll(async () => {
    const app = new Koa();
    app.use(designAssets());
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it('serves the de-branded stylesheet: no GDS Transport, no crest, a system font stack with Indic fallbacks', async () => {
    const response = await fetch(url + STYLESHEET);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(response.headers.get('cache-control')).toMatch(/max-age=\d{5,}/);
    const css = await response.text();
    expect(css).toContain('.govuk-button');
    expect(css).toContain('.app-link-button');
    expect(css).not.toMatch(/GDS Transport|govuk-crest|\/assets\/fonts\/|sourceMappingURL/);
    expect(css).toContain('"Noto Sans Devanagari","Lohit Devanagari"');
    expect(css).toContain('"Lohit Bengali"');
  });

  it('answers a repeat request with its ETag 304 Not Modified', async () => {
    const first = await fetch(url + STYLESHEET);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    // fetch() adds `Cache-Control: no-cache` to a conditional request unless told otherwise, as a reload would.
    const again = await fetch(url + STYLESHEET, { headers: { 'If-None-Match': etag, 'Cache-Control': 'max-age=0' } });
    expect(again.status).toBe(304);
  });

  it('serves the project icon and nothing else under /assets/images', async () => {
    const icon = await fetch(url + FAVICON);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect((await fetch(`${url}/assets/images/govuk-crest.svg`)).status).toBe(404);
  });

  it('de-branding keeps every other rule intact', () => {
    const css =
      '@font-face{font-family:GDS Transport;src:url(/assets/fonts/x.woff2)}a{font-family:GDS Transport,arial,sans-serif;color:red}';
    expect(debrandGovukCss(css)).toMatch(/^a\{font-family:system-ui,.*,sans-serif;color:red\}$/);
  });
});

describe('shared views', () => {
  const views = createViewEnvironment([join(import.meta.dirname, 'fixtures/views')]);
  const t = createTranslator(join(import.meta.dirname, 'fixtures/catalog'));

  it('renders the shared layout with its language, skip link, stylesheet and govuk-frontend macros, without any script', () => {
    const html = views.render('sample.njk', {
      lang: 'hi',
      t: t('hi'),
      pageTitle: 'नमूना',
      amount: 18260700,
      untrusted: 'x',
    });
    expect(html).toContain('<html lang="hi"');
    expect(html).toContain('<title>नमूना – सिटिज़न बिलपे</title>');
    expect(html).toContain('href="#main-content" class="govuk-skip-link"');
    expect(html).toContain('id="main-content"');
    expect(html).toContain(`href="${STYLESHEET}"`);
    expect(html).toContain('class="govuk-button"');
    expect(html).toContain('₹1,82,607.00');
    expect(html).not.toMatch(/<script|GOV\.UK|Crown/i);
  });

  it('escapes every value it prints, including inside macros', () => {
    const html = views.render('sample.njk', {
      lang: 'en',
      t: t('en'),
      pageTitle: 'x',
      amount: 1,
      untrusted: '<img src=x>',
    });
    expect(html).not.toContain('<img src=x>');
    expect(html).toContain('&lt;img src=x&gt;');
  });
});
