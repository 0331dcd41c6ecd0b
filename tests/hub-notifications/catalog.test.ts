import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createRenderer,
  NOTIFICATION_KINDS,
  NOTIFICATION_LOCALES_DIR,
  portalLinks,
  smsSize,
} from '../../hub/notifications/index.js';
import { SUPPORTED_LOCALES } from '../../infra/web/locale.js';
import { PUBLIC_URL, SAMPLES } from './events.js';

const render = createRenderer(portalLinks(PUBLIC_URL));

/** Every key of a catalog as a dotted path, with the placeholders of its message. */
function keysOf(catalog: Record<string, unknown>, prefix = ''): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const [name, value] of Object.entries(catalog)) {
    const path = `${prefix}${name}`;
    if (typeof value === 'string') keys.set(path, [...value.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] ?? '').sort());
    else for (const [k, v] of keysOf(value as Record<string, unknown>, `${path}.`)) keys.set(k, v);
  }
  return keys;
}
const json = (locale: string) =>
  JSON.parse(readFileSync(join(NOTIFICATION_LOCALES_DIR, `${locale}.json`), 'utf8')) as Record<string, unknown>;
const catalog = (locale: string) => keysOf(json(locale));
/** A message as the catalog has it, placeholders and all. */
const raw = (locale: string, kind: string, part: string) => (json(locale)[kind] as Record<string, string>)[part] ?? '';

/** Letters of the language's own script: a Hindi message in Devanagari, a Bengali one in Bengali script. */
const SCRIPT = {
  en: /^[\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]+$/u,
  hi: /\p{Script=Devanagari}/u,
  bn: /\p{Script=Bengali}/u,
};

describe('each notification kind renders in English, Hindi and Bengali', () => {
  it('has the same keys with the same placeholders in every catalog (nothing falls back to English)', () => {
    const english = catalog('en');
    for (const locale of ['hi', 'bn']) {
      expect(Object.fromEntries(catalog(locale)), locale).toEqual(Object.fromEntries(english));
    }
    for (const kind of NOTIFICATION_KINDS) {
      for (const part of ['sms', 'subject', 'body', 'next']) expect(english.has(`${kind}.${part}`), kind).toBe(true);
    }
  });

  for (const kind of NOTIFICATION_KINDS) {
    it(`${kind}: SMS and email in each language carry the reference and what to do next, with no key or placeholder left`, () => {
      const { event, reference } = SAMPLES[kind];
      for (const locale of SUPPORTED_LOCALES) {
        const sms = render(event, locale, 'sms');
        const email = render(event, locale, 'email');
        const where = `${kind} ${locale}`;
        expect(sms.subject, where).toBeUndefined();
        expect(email.subject, where).toBeTruthy();
        for (const text of [sms.text, email.subject ?? '', email.text]) {
          expect(text, where).not.toMatch(/\{\{|\}\}/);
          expect(text, where).not.toContain(`${kind}.`);
          expect(text, where).toMatch(SCRIPT[locale]);
        }
        expect(sms.text, where).toContain(reference);
        expect(email.text, where).toContain(reference);
        // The kind's next step, up to its first placeholder (a link or date), is in both.
        const next = raw(locale, kind, 'next').split('{{')[0]?.trim() ?? '';
        expect(next.length, where).toBeGreaterThan(5);
        expect(sms.text, `${where}: next step in the SMS`).toContain(next);
        expect(email.text, `${where}: next step in the email`).toContain(next);
      }
    });
  }

  it('formats money and dates for the locale, in IST: Indian grouping, Bengali digits, the day as the biller wrote it', () => {
    const { event } = SAMPLES.demand_received;
    expect(render(event, 'en', 'email').text).toContain('₹12,500.00');
    expect(render(event, 'en', 'email').text).toContain('15 December 2026');
    expect(render(event, 'hi', 'email').text).toContain('15 दिसंबर 2026');
    expect(render(event, 'bn', 'email').text).toContain('₹১২,৫০০.০০');
    expect(render(event, 'bn', 'email').text).toContain('১৫ ডিসেম্বর, ২০২৬');
    // 06:00 UTC on 2 December is 11:30 IST the same day; 20:00 UTC on the 1st is already the 2nd in IST.
    const late = { ...SAMPLES.payment_unknown.event, confirmBy: new Date('2026-12-01T20:00:00Z') };
    expect(render(late, 'en', 'sms').text).toContain('2 December 2026');
    expect(render(SAMPLES.payment_confirmed.event, 'en', 'email').text).toContain('₹1,82,607.00');
  });

  it("tells each payment's outcome, and counts the days before a due date in the language's words", () => {
    const confirmed = SAMPLES.payment_confirmed.event;
    expect(render(confirmed, 'en', 'sms').text).toContain('was paid to State Electricity Distribution Co.');
    expect(render({ ...confirmed, outcome: 'refunded' }, 'en', 'sms').text).toContain(
      'could not be paid to State Electricity Distribution Co. and was refunded',
    );
    const reminder = SAMPLES.payment_reminder.event;
    expect(render(reminder, 'en', 'sms').text).toContain('due in 3 days');
    expect(render({ ...reminder, daysBefore: 1 }, 'en', 'sms').text).toContain('due in 1 day,');
    expect(render({ ...reminder, daysBefore: 0 }, 'en', 'sms').text).toContain('due today');
    expect(render(reminder, 'bn', 'sms').text).toContain('৩ দিনের মধ্যে');
  });

  it("puts the receipt's verification link in the email only", () => {
    const event = SAMPLES.payment_confirmed.event;
    expect(render(event, 'hi', 'email').text).toContain('/verify?t=');
    expect(render(event, 'hi', 'sms').text).not.toContain('/verify?t=');
  });
});

describe('SMS length', () => {
  it('keeps English SMS in the GSM alphabet (Rs, not the rupee sign) within two parts, a failed payment in one', () => {
    for (const kind of NOTIFICATION_KINDS) {
      const size = smsSize(render(SAMPLES[kind].event, 'en', 'sms').text);
      expect(size.encoding, kind).toBe('gsm7');
      expect(size.segments, kind).toBeLessThanOrEqual(2);
    }
    expect(smsSize(render(SAMPLES.payment_failed.event, 'en', 'sms').text).segments).toBe(1);
    expect(render(SAMPLES.payment_failed.event, 'en', 'sms').text).toContain('Rs 1,234.50');
  });

  it('keeps Hindi and Bengali SMS (UCS-2, 70 characters a part) within four parts', () => {
    for (const kind of NOTIFICATION_KINDS) {
      for (const locale of ['hi', 'bn'] as const) {
        const size = smsSize(render(SAMPLES[kind].event, locale, 'sms').text);
        expect(size.encoding, `${kind} ${locale}`).toBe('ucs2');
        expect(size.segments, `${kind} ${locale}`).toBeLessThanOrEqual(4);
      }
    }
  });

  it('counts parts as the SMS standard does: 160 GSM characters or 70 UCS-2 in one, 153 or 67 each when split', () => {
    expect(smsSize('a'.repeat(160))).toEqual({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(smsSize('a'.repeat(161))).toEqual({ encoding: 'gsm7', units: 161, segments: 2 });
    expect(smsSize('€'.repeat(80)).segments).toBe(1);
    expect(smsSize('€'.repeat(81)).segments).toBe(2);
    expect(smsSize('क'.repeat(70))).toEqual({ encoding: 'ucs2', units: 70, segments: 1 });
    expect(smsSize('क'.repeat(71)).segments).toBe(2);
    expect(smsSize('₹5').encoding).toBe('ucs2');
  });
});
