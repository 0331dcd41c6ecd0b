import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN = /^([A-Za-z0-9_-]{22})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/;

const tag = (secret: string, identifier: string, deviceId: string, expiresAt: string) =>
  createHmac('sha256', secret).update(`device|${identifier}|${deviceId}|${expiresAt}`).digest('base64url');

/**
 * A token saying "this browser proved a code for `identifier`": `<device id>.<expiry ms>.<HMAC>`,
 * keyed by the OTP secret and bound to the identifier, which it does not contain. It goes in an
 * HttpOnly cookie; it proves nothing by itself (a code is still needed), it only lets its browser
 * be counted as itself rather than as its address.
 */
export function deviceToken(secret: string, identifier: string, expiresAt: number): string {
  const deviceId = randomBytes(16).toString('base64url');
  return `${deviceId}.${expiresAt}.${tag(secret, identifier, deviceId, String(expiresAt))}`;
}

/** The device id of a token made for `identifier` and not expired at `now` (ms), else undefined. */
export function trustedDeviceId(
  secret: string,
  identifier: string,
  token: string | undefined,
  now: number,
): string | undefined {
  const match = token ? TOKEN.exec(token) : null;
  if (!match) return undefined;
  const [, deviceId = '', expiresAt = '', mac = ''] = match;
  if (Number(expiresAt) <= now) return undefined;
  const expected = Buffer.from(tag(secret, identifier, deviceId, expiresAt));
  const actual = Buffer.from(mac);
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? deviceId : undefined;
}
