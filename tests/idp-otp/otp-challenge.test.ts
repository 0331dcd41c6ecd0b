import { afterAll, describe, expect, it } from 'vitest';
import { hashOtpCode, OtpError, type OtpService } from '../../idp/otp/index.js';
import { isolatedRedis } from '../support/isolation.js';
import { OTP_SECRET, otpHarness, refusal, wrongCode } from './otp-harness.js';

describe('an OTP challenge', () => {
  const h = otpHarness('otp_challenge');
  const otp = h.service();

  afterAll(() => h.cleanup());

  it('has a 6-digit code that Redis stores only as an HMAC', async () => {
    const { identifier, ip } = h.fresh();
    const { challengeId, code, expiresAt } = await otp.issue({ identifier, ip });
    expect(code).toMatch(/^\d{6}$/);
    expect(expiresAt.getTime()).toBe(h.clock.now + 300_000);

    const stored = await h.redis.hgetall(`${h.keyPrefix}ch:${challengeId}`);
    expect(Object.keys(stored).sort()).toEqual(['attempts', 'codeHash', 'expiresAt', 'identifier', 'sentAt']);
    expect(stored.codeHash).toBe(hashOtpCode(OTP_SECRET, challengeId, code));
    expect(Object.values(stored)).not.toContain(code);
    expect(stored).toMatchObject({ identifier, attempts: '0', expiresAt: String(expiresAt.getTime()) });
    // The key outlives the code a little; expiry itself is decided by expiresAt.
    const ttl = await h.redis.pttl(`${h.keyPrefix}ch:${challengeId}`);
    expect(ttl).toBeGreaterThan(300_000);
    expect(ttl).toBeLessThanOrEqual(360_000);
  });

  it('verifies the right code once and refuses a second verification', async () => {
    const { identifier, ip } = h.fresh();
    const { challengeId, code } = await otp.issue({ identifier, ip });
    await expect(otp.verify(challengeId, code, ip)).resolves.toEqual({ identifier });
    expect((await refusal(otp.verify(challengeId, code, ip))).reason).toBe('expired');
  });

  it('lets exactly one of 20 concurrent verifications with the right code succeed', async () => {
    const { identifier, ip } = h.fresh();
    const { challengeId, code } = await otp.issue({ identifier, ip });
    // Four connections, so the verifications really interleave on the server.
    const clients = Array.from({ length: 4 }, () => isolatedRedis());
    const services: OtpService[] = clients.map((client) => h.service(undefined, client));
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          (services[i % services.length] as OtpService).verify(challengeId, code, ip),
        ),
      );
      const successes = outcomes.filter((o) => o.status === 'fulfilled');
      expect(successes).toEqual([{ status: 'fulfilled', value: { identifier } }]);
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') continue;
        expect(outcome.reason).toBeInstanceOf(OtpError);
        // Past maxAttemptsPerChallenge a late verification is refused before it can look at the code.
        expect(['expired', 'too_many_attempts']).toContain((outcome.reason as OtpError).reason);
      }
    } finally {
      await Promise.all(clients.map((client) => client.quit()));
    }
  });

  it('refuses even the right code after 5 wrong ones, counting each attempt before checking it', async () => {
    const { identifier, ip } = h.fresh();
    const { challengeId, code } = await otp.issue({ identifier, ip });
    for (const attemptsLeft of [4, 3, 2, 1, 0]) {
      const error = await refusal(otp.verify(challengeId, wrongCode(code), ip));
      expect(error).toMatchObject({ reason: 'invalid_code', attemptsLeft });
    }
    expect((await refusal(otp.verify(challengeId, code, ip))).reason).toBe('too_many_attempts');
    expect(await h.redis.hget(`${h.keyPrefix}ch:${challengeId}`, 'attempts')).toBe('6');
  });

  it('lets no more than 5 of 10 parallel wrong guesses be checked', async () => {
    const { identifier, ip } = h.fresh();
    const { challengeId, code } = await otp.issue({ identifier, ip });
    const errors = await Promise.all(
      Array.from({ length: 10 }, () => refusal(otp.verify(challengeId, wrongCode(code), ip))),
    );
    const reasons = errors.map((e) => e.reason).sort();
    expect(reasons).toEqual([...Array(5).fill('invalid_code'), ...Array(5).fill('too_many_attempts')]);
    expect((await refusal(otp.verify(challengeId, code, ip))).reason).toBe('too_many_attempts');
  });

  it('refuses an expired code although its Redis key still exists', async () => {
    const { identifier, ip } = h.fresh();
    const issuedAt = h.clock.now;
    const { challengeId, code } = await otp.issue({ identifier, ip });
    h.clock.now = issuedAt + 300_000;
    try {
      expect(await h.redis.exists(`${h.keyPrefix}ch:${challengeId}`)).toBe(1);
      expect((await refusal(otp.verify(challengeId, code, ip))).reason).toBe('expired');
    } finally {
      h.clock.now = issuedAt;
    }
  });

  it('refuses a resend within 30 s with retryAfter, then sends a new code that replaces the old one', async () => {
    const { identifier, ip } = h.fresh();
    const issuedAt = h.clock.now;
    const first = await otp.issue({ identifier, ip });
    try {
      h.clock.now = issuedAt + 10_000;
      const error = await refusal(otp.resend(first.challengeId, ip));
      expect(error).toMatchObject({ reason: 'cooldown', retryAfterSeconds: 20 });

      h.clock.now = issuedAt + 30_000;
      const second = await otp.resend(first.challengeId, ip);
      expect(second.code).toMatch(/^\d{6}$/);
      expect(second.expiresAt.getTime()).toBe(issuedAt + 30_000 + 300_000);

      const stored = await h.redis.hmget(`${h.keyPrefix}ch:${first.challengeId}`, 'codeHash', 'attempts');
      expect(stored).toEqual([hashOtpCode(OTP_SECRET, first.challengeId, second.code), '0']);
      // The old code is now just a wrong code; the fresh one verifies past the first code's lifetime.
      if (first.code !== second.code) {
        expect((await refusal(otp.verify(first.challengeId, first.code, ip))).reason).toBe('invalid_code');
      }
      h.clock.now = issuedAt + 300_000 + 10_000;
      await expect(otp.verify(first.challengeId, second.code, ip)).resolves.toEqual({ identifier });
    } finally {
      h.clock.now = issuedAt;
    }
  });

  it('treats a resend of an unknown or consumed challenge as expired', async () => {
    const { identifier, ip } = h.fresh();
    expect((await refusal(otp.resend('AAAAAAAAAAAAAAAAAAAAAA', ip))).reason).toBe('expired');
    expect((await refusal(otp.resend('not a challenge', ip))).reason).toBe('expired');
    const issuedAt = h.clock.now;
    const { challengeId, code } = await otp.issue({ identifier, ip });
    await otp.verify(challengeId, code, ip);
    h.clock.now = issuedAt + 60_000;
    try {
      expect((await refusal(otp.resend(challengeId, ip))).reason).toBe('expired');
    } finally {
      h.clock.now = issuedAt;
    }
  });
});
