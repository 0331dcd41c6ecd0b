import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookRejectedError } from './errors.js';
import type { WebhookHeaders } from './port.js';

/**
 * `Gateway-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=...]`.
 * Several v1 values let the gateway sign with an old and a new secret while one is rotated.
 */
export const SIGNATURE_HEADER = 'Gateway-Signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

const TIMESTAMP = /^\d{1,12}$/;

function hmac(secret: string, timestamp: string, rawBody: Buffer | string): Buffer {
  // Over the bytes as sent: re-serialising parsed JSON would not give the same digest.
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/** The header value for a body, signed with each secret. */
export function signatureHeader(
  secrets: readonly string[],
  rawBody: Buffer | string,
  timestampSeconds: number,
): string {
  const t = String(Math.floor(timestampSeconds));
  return [`t=${t}`, ...secrets.map((secret) => `v1=${hmac(secret, t, rawBody).toString('hex')}`)].join(',');
}

function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value.join(',') : value;
  }
  return undefined;
}

function parseHeader(value: string | undefined): { timestamp: string; signatures: string[] } {
  if (!value) throw new WebhookRejectedError('malformed', `the ${SIGNATURE_HEADER} header is missing`);
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of value.split(',')) {
    const [key, item, ...extra] = part.trim().split('=');
    if (!key || !item || extra.length > 0) {
      throw new WebhookRejectedError('malformed', `the ${SIGNATURE_HEADER} header is not t=...,v1=...`);
    }
    if (key === 't') timestamp = item;
    else if (key === 'v1') signatures.push(item);
    // Other schemes are ignored, so a gateway can add one without breaking receivers.
  }
  if (!timestamp || !TIMESTAMP.test(timestamp) || signatures.length === 0) {
    throw new WebhookRejectedError('malformed', `the ${SIGNATURE_HEADER} header needs a t and at least one v1`);
  }
  return { timestamp, signatures };
}

/** Throws WebhookRejectedError unless one v1 matches and the timestamp is within the tolerance of `nowMs`. */
export function verifySignature(
  rawBody: Buffer | string,
  headers: WebhookHeaders,
  secret: string,
  nowMs = Date.now(),
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): void {
  const { timestamp, signatures } = parseHeader(headerValue(headers, SIGNATURE_HEADER));
  const expected = hmac(secret, timestamp, rawBody);
  let matched = false;
  // Every candidate is compared, in constant time, so timing says nothing about which one matched.
  for (const signature of signatures) {
    const given = Buffer.from(signature, 'hex');
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  if (!matched) throw new WebhookRejectedError('bad_signature', 'no signature matches the webhook secret');
  // Checked after the signature, so only a genuine but old (or replayed) delivery is called stale.
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) {
    throw new WebhookRejectedError('stale', `the signature timestamp is more than ${toleranceSeconds} s away`);
  }
}
