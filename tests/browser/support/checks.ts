import { parse } from 'csv-parse/sync';

const INDIC_DIGITS = /[\u0966-\u096f\u09e6-\u09ef]/g;

/** Devanagari and Bengali digits as ASCII, so amounts read the same in every language. */
export function asciiDigits(text: string): string {
  // Both scripts' zero sits at a code point ending in 6 (U+0966, U+09E6): the digit is the low nibble less 6.
  return text.replace(INDIC_DIGITS, (d) => String(((d.codePointAt(0) as number) & 0xf) - 6));
}

/**
 * Every rupee amount in `text` ("₹1,82,607.00", "₹ 450", Indian or Western grouping, any
 * script's digits) in paise, in order.
 */
export function rupeeAmounts(text: string): number[] {
  return [...asciiDigits(text).matchAll(/₹\s?([\d,]+)(?:\.(\d{2}))?/g)].map(
    ([, rupees = '0', paise = '00']) => Number(rupees.replace(/,/g, '')) * 100 + Number(paise),
  );
}

/**
 * Checks that `bytes` is a whole PDF of a sane size (a header, an end-of-file marker, between
 * 1 KB and 5 MB); throws an Error saying what is wrong otherwise.
 */
export function checkPdf(bytes: Buffer): void {
  const head = bytes.subarray(0, 5).toString('latin1');
  if (head !== '%PDF-') throw new Error(`not a PDF: it starts with ${JSON.stringify(head)}`);
  if (!bytes.subarray(-32).toString('latin1').includes('%%EOF')) throw new Error('the PDF has no %%EOF: truncated?');
  if (bytes.length < 1_024 || bytes.length > 5_000_000) throw new Error(`a receipt PDF of ${bytes.length} bytes`);
}

/** A CSV export's header and rows as objects keyed by the header (UTF-8, a BOM allowed). */
export function csvRows(text: string): Record<string, string>[] {
  return parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
}
