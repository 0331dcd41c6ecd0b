import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { otpHarness, refusal, wrongCode } from './otp-harness.js';

describe('OTP send limits and the identifier lock', () => {
  const h = otpHarness('otp_limits');
  const otp = h.service();

  afterAll(() => h.cleanup());

  it('refuses the 6th send for one identifier within the hour', async () => {
    const { identifier, ip } = h.fresh();
    const first = await otp.issue({ identifier, ip });
    for (let i = 0; i < 3; i++) await otp.issue({ identifier, ip });
    // Resends count as sends too.
    h.clock.now += 30_000;
    await otp.resend(first.challengeId, ip);
    const error = await refusal(otp.issue({ identifier, ip }));
    expect(error.reason).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBeGreaterThan(3500);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(3600);
    h.clock.now += 30_000;
    expect((await refusal(otp.resend(first.challengeId, ip))).reason).toBe('rate_limited');
  });

  it('refuses the 31st send from one ip across different identifiers', async () => {
    const { ip } = h.fresh();
    for (let i = 0; i < 30; i++) await otp.issue({ identifier: h.fresh().identifier, ip });
    const error = await refusal(otp.issue({ identifier: h.fresh().identifier, ip }));
    expect(error.reason).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    // Another ip is not affected.
    await expect(otp.issue({ identifier: h.fresh().identifier, ip: h.fresh().ip })).resolves.toBeDefined();
  });

  it('locks the identifier for 15 minutes after 10 wrong codes across challenges', async () => {
    const { identifier, ip } = h.fresh();
    const [a, b, c] = [
      await otp.issue({ identifier, ip }),
      await otp.issue({ identifier, ip }),
      await otp.issue({ identifier, ip }),
    ];
    for (let i = 0; i < 5; i++) await refusal(otp.verify(a.challengeId, wrongCode(a.code)));
    for (let i = 0; i < 4; i++) {
      expect((await refusal(otp.verify(b.challengeId, wrongCode(b.code)))).reason).toBe('invalid_code');
    }
    const tenth = await refusal(otp.verify(b.challengeId, wrongCode(b.code)));
    expect(tenth).toMatchObject({ reason: 'locked', retryAfterSeconds: 900 });
    expect(await otp.isLocked(identifier)).toBe(true);

    const onIssue = await refusal(otp.issue({ identifier, ip }));
    expect(onIssue.reason).toBe('locked');
    expect(onIssue.retryAfterSeconds).toBeGreaterThan(890);
    expect(onIssue.retryAfterSeconds).toBeLessThanOrEqual(900);
    // Even an untouched challenge with its right code is refused while locked.
    expect((await refusal(otp.verify(c.challengeId, c.code))).reason).toBe('locked');
    h.clock.now += 30_000;
    expect((await refusal(otp.resend(c.challengeId, ip))).reason).toBe('locked');
    expect(await otp.isLocked(h.fresh().identifier)).toBe(false);
  });

  it('unlocks the identifier after lockSeconds', async () => {
    const quick = h.service({ failuresBeforeLock: 2, lockSeconds: 1 });
    const { identifier, ip } = h.fresh();
    const { challengeId, code } = await quick.issue({ identifier, ip });
    expect((await refusal(quick.verify(challengeId, wrongCode(code)))).reason).toBe('invalid_code');
    expect((await refusal(quick.verify(challengeId, wrongCode(code)))).reason).toBe('locked');
    expect(await quick.isLocked(identifier)).toBe(true);
    await sleep(1_100);
    expect(await quick.isLocked(identifier)).toBe(false);
    await expect(quick.verify(challengeId, code)).resolves.toEqual({ identifier });
  });

  it('forgets earlier wrong codes after clearFailures', async () => {
    const strict = h.service({ failuresBeforeLock: 3 });
    const { identifier, ip } = h.fresh();
    const first = await strict.issue({ identifier, ip });
    for (let i = 0; i < 2; i++) await refusal(strict.verify(first.challengeId, wrongCode(first.code)));
    await strict.clearFailures(identifier);
    const second = await strict.issue({ identifier, ip });
    for (let i = 0; i < 2; i++) {
      expect((await refusal(strict.verify(second.challengeId, wrongCode(second.code)))).reason).toBe('invalid_code');
    }
    expect((await refusal(strict.verify(second.challengeId, wrongCode(second.code)))).reason).toBe('locked');
  });
});
