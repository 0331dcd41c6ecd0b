import { describe, expect, it } from 'vitest';
import { generateOtpCode, hashOtpCode, otpCodeMatches } from '../../idp/otp/index.js';

describe('OTP codes', () => {
  it('are six digits, leading zeros kept', () => {
    const codes = Array.from({ length: 5_000 }, generateOtpCode);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    // Five thousand draws without one below 100000 would mean the zeros were dropped (p ≈ 1e-229).
    expect(codes.some((code) => code.startsWith('0'))).toBe(true);
  });

  it('hash with the server secret and the challenge id, and match only the same code', () => {
    const hash = hashOtpCode('secret', 'challenge-1', '012345');
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashOtpCode('other secret', 'challenge-1', '012345')).not.toBe(hash);
    expect(hashOtpCode('secret', 'challenge-2', '012345')).not.toBe(hash);
    expect(otpCodeMatches('secret', 'challenge-1', '012345', hash)).toBe(true);
    expect(otpCodeMatches('secret', 'challenge-1', '012346', hash)).toBe(false);
    expect(otpCodeMatches('secret', 'challenge-2', '012345', hash)).toBe(false);
  });

  it('do not match input that is not exactly six digits, nor a malformed stored hash', () => {
    const hash = hashOtpCode('secret', 'c', '123456');
    for (const input of ['12345', '1234567', ' 123456', '12345a', '', '１２３４５６']) {
      expect(otpCodeMatches('secret', 'c', input, hash)).toBe(false);
    }
    expect(otpCodeMatches('secret', 'c', '123456', 'short')).toBe(false);
  });
});
