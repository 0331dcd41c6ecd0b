/**
 * What a payer types, read leniently and checked strictly: a wallet number as `98765 43210`,
 * `+91-9876543210` or `09876543210` is the 10-digit `9876543210`; a transaction id is trimmed, its
 * spaces and hyphens dropped and its letters capitalised, so the same transaction typed twice in two
 * ways is still one transaction (the once-per-transaction rule depends on it). Null when invalid.
 */
export function normaliseWalletNumber(typed: unknown): string | null {
  if (typeof typed !== 'string') return null;
  const digits = typed.replace(/[\s\-()]/g, '');
  const national = /^(?:\+91|0091|91|0)?([6-9]\d{9})$/.exec(digits)?.[1];
  return national ?? null;
}

/** See normaliseWalletNumber: 6 to 40 letters or digits once spaces and hyphens are dropped. */
export function normaliseTransactionId(typed: unknown): string | null {
  if (typeof typed !== 'string') return null;
  const id = typed.replace(/[\s-]/g, '').toUpperCase();
  return /^[A-Z0-9]{6,40}$/.test(id) ? id : null;
}
