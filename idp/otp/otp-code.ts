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

/**
 * The hash a typed code must match, or undefined for text that is no code (it never matches).
 * Compared with the stored hash inside Redis (otp-service.ts verifyScript): both are HMACs under
 * the server secret, so how long the comparison takes says nothing about the stored code.
 */
export function typedCodeHash(secret: string, challengeId: string, code: string): string | undefined {
  return SIX_DIGITS.test(code) ? hashOtpCode(secret, challengeId, code) : undefined;
}

export function otpCodeMatches(secret: string, challengeId: string, code: string, storedHash: string): boolean {
  if (!SIX_DIGITS.test(code)) return false;
  const actual = Buffer.from(hashOtpCode(secret, challengeId, code));
  const expected = Buffer.from(storedHash);
  // timingSafeEqual throws on different lengths; a malformed stored hash simply never matches.
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
