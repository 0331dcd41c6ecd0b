import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

const SIX_DIGITS = /^\d{6}$/;

/** Six digits, uniformly random, leading zeros kept. */
export function generateOtpCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/** Keyed by the server secret and bound to the challenge, so a stored hash reveals nothing on its own. */
export function hashOtpCode(secret: string, challengeId: string, code: string): string {
  return createHmac('sha256', secret).update(`${challengeId}:${code}`).digest('base64url');
}

export function otpCodeMatches(secret: string, challengeId: string, code: string, storedHash: string): boolean {
  if (!SIX_DIGITS.test(code)) return false;
  const actual = Buffer.from(hashOtpCode(secret, challengeId, code));
  const expected = Buffer.from(storedHash);
  // timingSafeEqual throws on different lengths; a malformed stored hash simply never matches.
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
