import { randomBytes } from 'node:crypto';

/**
 * Demand reference numbers: what a payer reads off an SMS and types into a search box, so they
 * are short, use Crockford's base32 (no I, L, O or U: nothing to misread) and end in a check
 * character that catches any single mistyped character and most swaps of two neighbours.
 *
 * Shape: `DM-XXXXX-XXXXX-C`: the prefix, 10 random characters (50 bits) in two groups of five,
 * and the Luhn mod 32 check character over those 10. Uniqueness is the database's unique index
 * (the store draws again on the rare collision); the check character only catches typos.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const N = ALPHABET.length;
const PREFIX = 'DM';
const BODY_LENGTH = 10;

/** The stored, printed form: DM-XXXXX-XXXXX-C. */
export const REFERENCE_NUMBER_PATTERN = /^DM-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]$/;

const codeOf = (char: string): number => ALPHABET.indexOf(char);

/**
 * Luhn mod N (N = 32), as ISO/IEC 7812's Luhn generalised to any alphabet: from the right,
 * every second code point is doubled and its base-32 digits added. Returns the sum's remainder.
 */
function luhnRemainder(chars: string, doubleFirstFromRight: boolean): number {
  let double = doubleFirstFromRight;
  let sum = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    let addend = codeOf(chars[i] as string);
    if (double) addend *= 2;
    sum += Math.floor(addend / N) + (addend % N);
    double = !double;
  }
  return sum % N;
}

/** The check character of a 10-character body. */
export function checkCharacter(body: string): string {
  return ALPHABET[(N - luhnRemainder(body, true)) % N] as string;
}

const format = (body: string): string => `${PREFIX}-${body.slice(0, 5)}-${body.slice(5)}-${checkCharacter(body)}`;

/** A new random reference number (crypto random, uniform: 256 is a multiple of 32). */
export function newReferenceNumber(): string {
  let body = '';
  for (const byte of randomBytes(BODY_LENGTH)) body += ALPHABET[byte & 31];
  return format(body);
}

/**
 * Reads a reference number as a person typed it: any case, with or without the prefix, hyphens or
 * spaces; O is read as 0 and I or L as 1 (Crockford's decoding). Returns the canonical
 * `DM-XXXXX-XXXXX-C`, or null when it is not one (wrong length, a character outside the
 * alphabet, or a check character that does not match: a typo).
 */
export function parseReferenceNumber(input: string): string | null {
  let text = input.toUpperCase().replace(/[\s-]/g, '');
  if (text.length === BODY_LENGTH + 1 + PREFIX.length && text.startsWith(PREFIX)) text = text.slice(PREFIX.length);
  if (text.length !== BODY_LENGTH + 1) return null;
  const chars = text.replace(/O/g, '0').replace(/[IL]/g, '1');
  if ([...chars].some((c) => codeOf(c) < 0)) return null;
  if (luhnRemainder(chars, false) !== 0) return null;
  return format(chars.slice(0, BODY_LENGTH));
}
