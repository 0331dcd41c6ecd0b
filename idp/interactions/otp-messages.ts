import { OtpError } from '../otp/index.js';
import type { Translate } from '../views/i18n.js';

const minutes = (seconds = 60) => Math.max(1, Math.ceil(seconds / 60));

/**
 * What a citizen reads for each refusal. A lock gets the same words whoever is asking, with the
 * minutes that Retry-After also carries, so the page reveals nothing about the identifier.
 */
export function otpMessage(error: OtpError, t: Translate): string {
  switch (error.reason) {
    case 'locked':
      // The minutes are the lock's own, the same for any identifier: they reveal no account.
      return t('otp.locked', { count: minutes(error.retryAfterSeconds) });
    case 'rate_limited':
      return t('otp.rateLimited', { count: minutes(error.retryAfterSeconds) });
    case 'cooldown':
      return t('otp.cooldown', { count: error.retryAfterSeconds ?? 30 });
    case 'invalid_code':
      return error.attemptsLeft ? t('otp.wrongWithTries', { count: error.attemptsLeft }) : t('otp.wrong');
    case 'expired':
    case 'too_many_attempts':
      return t('otp.spent');
  }
}

export { OtpError };
