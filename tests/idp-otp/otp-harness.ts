import { expect } from 'vitest';
import { OtpError, type OtpPolicy, OtpService } from '../../idp/otp/index.js';
import type { Redis } from '../../infra/redis.js';
import { isolatedRedis, uniqueName } from '../support/isolation.js';

export const OTP_SECRET = 'test-otp-secret-0123456789abcdef';

/** One Redis connection and key prefix per test file, and a clock the tests move by hand. */
export function otpHarness(label: string) {
  const redis = isolatedRedis();
  const keyPrefix = `${uniqueName(label)}:`;
  const clock = { now: Date.now() };
  let serial = 0;
  return {
    redis,
    keyPrefix,
    clock,
    service: (policy?: Partial<OtpPolicy>, client: Redis = redis) =>
      new OtpService({ redis: client, secret: OTP_SECRET, keyPrefix, policy, now: () => clock.now }),
    /** An identifier and an ip no other test of the file uses, so limits do not leak between tests. */
    fresh: () => {
      serial += 1;
      // A real address each time: text that is not one (10.0.256.1) shares the one 'unparsed' bucket.
      return { identifier: `${uniqueName('citizen')}@example.org`, ip: `10.${(serial >> 8) & 255}.${serial & 255}.1` };
    },
    cleanup: async () => {
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}

/** The OtpError a promise rejects with; fails the test if it resolves or throws anything else. */
export async function refusal(promise: Promise<unknown>): Promise<OtpError> {
  const outcome = await promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(OtpError);
  return outcome as OtpError;
}

export const wrongCode = (code: string) => (code === '000000' ? '111111' : '000000');
