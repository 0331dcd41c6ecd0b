import { createHash } from 'node:crypto';

/** Objects with their keys sorted, so the same body hashes the same whatever its key order. */
function sortKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The requestHash of an idempotent create: SHA-256 of the body as canonical JSON. */
export function hashRequest(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(body, sortKeys) ?? '')
    .digest('hex');
}
