import { describe, expect, it } from 'vitest';
import { OtpError, otpMessage } from '../../idp/interactions/otp-messages.js';
import { translator } from '../../idp/views/i18n.js';

describe('the lock message', () => {
  it('tells the minutes of the lock (the Retry-After wait) in every language', () => {
    const locked = new OtpError('locked', { retryAfterSeconds: 900 });
    expect(otpMessage(locked, translator('en'))).toBe('Too many attempts. For your security, try again in 15 minutes.');
    expect(otpMessage(locked, translator('hi'))).toContain('15 मिनट');
    expect(otpMessage(locked, translator('bn'))).toContain('১৫ মিনিট');
  });

  it('rounds a part minute up and says "1 minute" for the last one', () => {
    expect(otpMessage(new OtpError('locked', { retryAfterSeconds: 61 }), translator('en'))).toContain('in 2 minutes.');
    expect(otpMessage(new OtpError('locked', { retryAfterSeconds: 5 }), translator('en'))).toContain('in 1 minute.');
  });
});
