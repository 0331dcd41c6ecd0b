import { randomBytes } from 'node:crypto';

/** Crockford base32: no I, L, O or U, so an id read aloud or retyped is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BODY = '[0-9A-HJKMNP-TV-Z]{20}';

export const PAYMENT_ID_PATTERN = new RegExp(`^PAY${BODY}$`);
export const LINE_ID_PATTERN = new RegExp(`^LIN${BODY}$`);
export const REFERENCE_PATTERN = new RegExp(`^HUB${BODY}$`);

/** 20 random characters, 100 bits: 256 is a multiple of 32, so `byte & 31` is uniform. */
function randomBody(): string {
  let body = '';
  for (const byte of randomBytes(20)) body += ALPHABET[byte & 31];
  return body;
}

export const newPaymentId = (): string => `PAY${randomBody()}`;
export const newLineId = (): string => `LIN${randomBody()}`;
/** The posting reference a biller deduplicates on; unique across every payment. */
export const newReference = (): string => `HUB${randomBody()}`;
