import { createHmac } from 'node:crypto';

/** The text the board signs: every field but `sig`, sorted by name, as `k=v&k=v` with raw values. */
export function canonicalString(fields: Record<string, string>): string {
  return Object.keys(fields)
    .filter((name) => name !== 'sig')
    .sort()
    .map((name) => `${name}=${fields[name]}`)
    .join('&');
}

/** Hex HMAC-SHA256 of the canonical string with the board's shared secret. */
export function signFields(fields: Record<string, string>, secret: string): string {
  return createHmac('sha256', secret).update(canonicalString(fields)).digest('hex');
}

/**
 * The form body of one call: the fields plus `ts` (unix seconds) and `sig`. Retries resend the
 * same body, which the board accepts while `ts` is within its 300 s window.
 */
export function signedForm(fields: Record<string, string>, secret: string, nowMs = Date.now()): string {
  const withTs = { ...fields, ts: String(Math.floor(nowMs / 1000)) };
  return new URLSearchParams({ ...withTs, sig: signFields(withTs, secret) }).toString();
}
