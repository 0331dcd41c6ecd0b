import type { IdpConfig } from '../config.js';
import type { OtpPolicy } from './otp-policy.js';

/** The OTP_* settings as the policy of OtpService (unset ones take resolveOtpPolicy's defaults). */
export function otpPolicyFromConfig(config: IdpConfig): Partial<OtpPolicy> {
  return {
    codeTtlSeconds: config.OTP_CODE_TTL_SECONDS,
    maxAttemptsPerChallenge: config.OTP_MAX_ATTEMPTS,
    resendCooldownSeconds: config.OTP_RESEND_COOLDOWN_SECONDS,
    sendsPerIdentifierPerHour: config.OTP_SENDS_PER_IDENTIFIER_PER_HOUR,
    sendSlowdownSeconds: config.OTP_SEND_SLOWDOWN_SECONDS,
    sendSlowdownMaxSeconds: config.OTP_SEND_SLOWDOWN_MAX_SECONDS,
    sendsPerIdentifierAndIpPerHour: config.OTP_SENDS_PER_IDENTIFIER_AND_IP_PER_HOUR,
    sendsPerIpPerHour: config.OTP_SENDS_PER_IP_PER_HOUR,
    failuresBeforeLock: config.OTP_FAILURES_BEFORE_LOCK,
    lockSeconds: config.OTP_LOCK_SECONDS,
    failuresPerIdentifierBeforeSlowdown: config.OTP_FAILURES_PER_IDENTIFIER_BEFORE_SLOWDOWN,
    deviceTrustDays: config.OTP_DEVICE_TRUST_DAYS,
  };
}
