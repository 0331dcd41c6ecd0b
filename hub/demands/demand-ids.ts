import { createHash, randomBytes } from 'node:crypto';

// Internal ids (never shown to payers: they get the reference number). Crockford base32 like
// hub/payments/ids.ts. Deterministic ids make re-runs idempotent: the same upload row, or the same
// create with the same idempotency key, always names the same document, so a repeat insert is a
// duplicate key, not a second demand.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BODY = '[0-9A-HJKMNP-TV-Z]{20}';

export const DEMAND_ID_PATTERN = new RegExp(`^DMD${BODY}$`);
export const BATCH_ID_PATTERN = new RegExp(`^DMB${BODY}$`);

/** 20 characters from 20 bytes: `byte & 31` is uniform because 256 is a multiple of 32. */
const encode = (bytes: Uint8Array): string => {
  let body = '';
  for (const byte of bytes.subarray(0, 20)) body += ALPHABET[byte & 31];
  return body;
};

const digest = (...parts: string[]): Uint8Array => createHash('sha256').update(parts.join('\u0000')).digest();

/** A random demand id: DMD + 20 characters. */
export const newDemandId = (): string => `DMD${encode(randomBytes(20))}`;

/** The demand id of a provider's create with an idempotency key: the same key names the same demand. */
export const demandIdForKey = (providerId: string, idempotencyKey: string): string =>
  `DMD${encode(digest('key', providerId, idempotencyKey))}`;

/** The upload batch of a provider's upload key (their idempotency key, or the file's hash). */
export const batchIdFor = (providerId: string, uploadKey: string): string =>
  `DMB${encode(digest('batch', providerId, uploadKey))}`;

/** The demand id of one row (spreadsheet row number) of an upload batch. */
export const demandIdForRow = (batchId: string, row: number): string =>
  `DMD${encode(digest('row', batchId, String(row)))}`;
