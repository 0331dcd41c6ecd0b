import { OtpError } from '../otp/index.js';

const minutes = (seconds = 60) => Math.max(1, Math.ceil(seconds / 60));

/**
 * What a citizen reads for each refusal. A lock gets the same words whoever is asking, so the
 * page reveals nothing about the identifier.
 */
export function otpMessage(error: OtpError): string {
  switch (error.reason) {
    case 'locked':
      return 'Too many attempts. For your security, try again later.';
    case 'rate_limited':
      return `Too many codes requested. Try again in ${minutes(error.retryAfterSeconds)} minutes.`;
    case 'cooldown':
      return `Please wait ${error.retryAfterSeconds ?? 30} seconds before asking for a new code.`;
    case 'invalid_code':
      return error.attemptsLeft
        ? `That code is not right. You have ${error.attemptsLeft} more ${error.attemptsLeft === 1 ? 'try' : 'tries'}.`
        : 'That code is not right. Ask for a new code.';
    case 'expired':
    case 'too_many_attempts':
      return 'That code has expired or was entered wrongly too many times. Ask for a new code.';
  }
}

export { OtpError };
