/** The languages the pages speak, in the order offered to citizens. */
export const SUPPORTED_LOCALES = ['en', 'hi', 'bn'] as const;
/** `en`, `hi` or `bn`. */
export type Locale = (typeof SUPPORTED_LOCALES)[number];
/** The language when nothing else decides: English. */
export const DEFAULT_LOCALE: Locale = 'en';

/** True when `value` is one of SUPPORTED_LOCALES (e.g. a cookie or form field). */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/** The `Intl` locale for amounts and dates: Indian conventions in every language. */
export function intlLocale(locale: Locale): 'en-IN' | 'hi-IN' | 'bn-IN' {
  return `${locale}-IN`;
}

/**
 * The language of a page: the citizen's own choice when it is supported, otherwise the best
 * supported match in the browser's `Accept-Language` (RFC 9110 §12.5.4: highest q wins, q=0 means
 * "not this one", a region tag such as `hi-IN` matches its language `hi`, `*` matches the default),
 * otherwise English.
 */
export function negotiateLocale(choice?: string | null, acceptLanguage?: string | null): Locale {
  if (isLocale(choice)) return choice;
  let best: { locale: Locale; q: number } | undefined;
  for (const range of parseAcceptLanguage(acceptLanguage ?? '')) {
    const locale = range.tag === '*' ? DEFAULT_LOCALE : range.tag.split('-')[0];
    if (isLocale(locale) && range.q > 0 && (!best || range.q > best.q)) best = { locale, q: range.q };
  }
  return best?.locale ?? DEFAULT_LOCALE;
}

/** `Accept-Language` ranges in header order, lower-cased, with their q (1 when absent, 0 when malformed). */
function parseAcceptLanguage(header: string): { tag: string; q: number }[] {
  return header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      return { tag: tag.trim().toLowerCase(), q: Number.isFinite(q) && q >= 0 && q <= 1 ? q : 0 };
    })
    .filter((range) => range.tag !== '');
}
