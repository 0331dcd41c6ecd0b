import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { type OtpError, type OtpService, resolveOtpPolicy, sendGapSeconds } from '../../idp/otp/index.js';
import { otpHarness, refusal, wrongCode } from './otp-harness.js';

/** The longest wait slowing may ask for under the default policy; a longer one is a block. */
const MAX_SLOWDOWN = 900;

describe('OTP send limits', () => {
  const h = otpHarness('otp_limits');
  const otp = h.service();

  afterAll(() => h.cleanup());

  it('a shared IP (carrier NAT) with many citizens each signing in once is not blocked', async () => {
    const { ip } = h.fresh();
    // Ten times the old per-address ceiling of 30, all behind one address.
    for (let citizen = 0; citizen < 300; citizen++) {
      const { identifier } = h.fresh();
      const { challengeId, code } = await otp.issue({ identifier, ip });
      await expect(otp.verify(challengeId, code, ip)).resolves.toEqual({ identifier });
    }
  });

  it('still blocks one address spraying codes at many identifiers past its own ceiling', async () => {
    const strict = h.service({ sendsPerIpPerHour: 3 });
    const { ip } = h.fresh();
    for (let i = 0; i < 3; i++) await strict.issue({ identifier: h.fresh().identifier, ip });
    const error = await refusal(strict.issue({ identifier: h.fresh().identifier, ip }));
    expect(error.reason).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBeGreaterThan(MAX_SLOWDOWN);
    // Another address is not affected.
    await expect(strict.issue({ identifier: h.fresh().identifier, ip: h.fresh().ip })).resolves.toBeDefined();
  });

  it('slows codes to one identifier with a doubling wait before blocking the address that keeps asking', async () => {
    const { identifier, ip } = h.fresh();
    for (let i = 0; i < 5; i++) await otp.issue({ identifier, ip });
    // Past 5 codes in the hour each one waits longer: 1, 2, 4, 8 minutes, then 15 at most.
    for (const wait of [60, 120, 240, 480, 900]) {
      const slowed = await refusal(otp.issue({ identifier, ip }));
      expect(slowed).toMatchObject({ reason: 'rate_limited', retryAfterSeconds: wait });
      h.clock.now += (wait - 1) * 1000;
      expect(await refusal(otp.issue({ identifier, ip }))).toMatchObject({ retryAfterSeconds: 1 });
      h.clock.now += 1000;
      await expect(otp.issue({ identifier, ip })).resolves.toBeDefined();
    }
    // The 11th code from this address is past its ceiling of 10: blocked for the rest of the hour,
    // however long the slowing wait it has sat out.
    h.clock.now += MAX_SLOWDOWN * 1000;
    const blocked = await refusal(otp.issue({ identifier, ip }));
    expect(blocked.reason).toBe('rate_limited');
    expect(blocked.retryAfterSeconds).toBeGreaterThan(MAX_SLOWDOWN);
    // The owner, elsewhere, gets a code after the same wait.
    await expect(otp.issue({ identifier, ip: h.fresh().ip })).resolves.toBeDefined();
  });

  it('counts resends towards the slowing of their identifier', async () => {
    const { identifier, ip } = h.fresh();
    const first = await otp.issue({ identifier, ip });
    for (let i = 0; i < 4; i++) {
      h.clock.now += 30_000;
      await otp.resend(first.challengeId, ip);
    }
    h.clock.now += 30_000;
    expect(await refusal(otp.resend(first.challengeId, ip))).toMatchObject({
      reason: 'rate_limited',
      retryAfterSeconds: 30,
    });
  });

  it('lets the owner get a code after the longest wait however many addresses asked for their identifier', async () => {
    const { identifier } = h.fresh();
    // Twelve addresses each ask for a code for the victim: the first five go out, the rest wait.
    const refusals: OtpError[] = [];
    for (let i = 0; i < 12; i++) {
      await otp.issue({ identifier, ip: h.fresh().ip }).catch((error: OtpError) => refusals.push(error));
    }
    expect(refusals).toHaveLength(7);
    for (const error of refusals) expect(error).toMatchObject({ reason: 'rate_limited', retryAfterSeconds: 60 });

    const owner = h.fresh().ip;
    const wait = await refusal(otp.issue({ identifier, ip: owner }));
    expect(wait.retryAfterSeconds).toBeLessThanOrEqual(MAX_SLOWDOWN);
    h.clock.now += (wait.retryAfterSeconds as number) * 1000;
    const { challengeId, code } = await otp.issue({ identifier, ip: owner });
    await expect(otp.verify(challengeId, code, owner)).resolves.toEqual({ identifier });
  });

  it('answers every send refusal with the same reason and message whichever layer refused', async () => {
    const strict = h.service({ sendsPerIpPerHour: 1, sendsPerIdentifierAndIpPerHour: 1, sendsPerIdentifierPerHour: 1 });
    const byAddress = h.fresh();
    await strict.issue(byAddress);
    const addressBlock = await refusal(strict.issue({ identifier: h.fresh().identifier, ip: byAddress.ip }));
    const lenient = h.service({ sendsPerIdentifierAndIpPerHour: 1, sendsPerIdentifierPerHour: 1 });
    const pair = h.fresh();
    await lenient.issue(pair);
    h.clock.now += MAX_SLOWDOWN * 1000;
    const pairBlock = await refusal(lenient.issue(pair));
    const slowedOne = h.fresh();
    await lenient.issue(slowedOne);
    const slowed = await refusal(lenient.issue({ identifier: slowedOne.identifier, ip: h.fresh().ip }));
    expect(slowed.retryAfterSeconds).toBe(60);
    for (const error of [addressBlock, pairBlock, slowed]) {
      expect(error.reason).toBe('rate_limited');
      expect(error.message).toBe(addressBlock.message);
      expect(Object.keys(error).sort()).toEqual(Object.keys(addressBlock).sort());
    }
  });
});

describe('OTP wrong-code locks', () => {
  const h = otpHarness('otp_locks');
  const otp = h.service();

  afterAll(() => h.cleanup());

  /** Ten wrong codes for `identifier` from `ip` across two challenges; returns the tenth refusal. */
  async function tenWrongCodes(service: OtpService, identifier: string, ip: string): Promise<OtpError> {
    const [a, b] = [await service.issue({ identifier, ip }), await service.issue({ identifier, ip })];
    for (let i = 0; i < 5; i++) await refusal(service.verify(a.challengeId, wrongCode(a.code), ip));
    for (let i = 0; i < 4; i++) {
      expect((await refusal(service.verify(b.challengeId, wrongCode(b.code), ip))).reason).toBe('invalid_code');
    }
    return refusal(service.verify(b.challengeId, wrongCode(b.code), ip));
  }

  it("an attacker's wrong codes from one IP do not stop the owner signing in from another", async () => {
    const { identifier, ip: attacker } = h.fresh();
    const { ip: owner } = h.fresh();
    const ownersChallenge = await otp.issue({ identifier, ip: owner });

    expect(await tenWrongCodes(otp, identifier, attacker)).toMatchObject({ reason: 'locked', retryAfterSeconds: 900 });
    expect(await otp.isLocked(identifier, { ip: attacker })).toBe(true);
    expect(await otp.isLocked(identifier, { ip: owner })).toBe(false);
    // The attacker is refused a new code and any code, the right one included...
    expect((await refusal(otp.issue({ identifier, ip: attacker }))).reason).toBe('locked');
    expect((await refusal(otp.verify(ownersChallenge.challengeId, ownersChallenge.code, attacker))).reason).toBe(
      'locked',
    );
    // ...while the owner signs in with a fresh code from their own address.
    const fresh = await otp.issue({ identifier, ip: owner });
    await expect(otp.verify(fresh.challengeId, fresh.code, owner)).resolves.toEqual({ identifier });
  });

  it('slows, never locks, the codes of an identifier that draws wrong codes from many addresses', async () => {
    const { identifier } = h.fresh();
    // Four addresses, five wrong codes each: 20 for the identifier, none locked on its own.
    for (let i = 0; i < 4; i++) {
      const { ip } = h.fresh();
      const { challengeId, code } = await otp.issue({ identifier, ip });
      for (let n = 0; n < 5; n++) await refusal(otp.verify(challengeId, wrongCode(code), ip));
      expect(await otp.isLocked(identifier, { ip })).toBe(false);
    }
    // Only four codes went out, yet the next one waits the longest wait...
    const owner = h.fresh().ip;
    expect(await refusal(otp.issue({ identifier, ip: owner }))).toMatchObject({
      reason: 'rate_limited',
      retryAfterSeconds: MAX_SLOWDOWN,
    });
    // ...after which the owner's right code works.
    h.clock.now += MAX_SLOWDOWN * 1000;
    const { challengeId, code } = await otp.issue({ identifier, ip: owner });
    await expect(otp.verify(challengeId, code, owner)).resolves.toEqual({ identifier });
  });

  it('locks the identifier for an address after 10 wrong codes there, even an untouched challenge', async () => {
    const { identifier, ip } = h.fresh();
    const untouched = await otp.issue({ identifier, ip });
    await tenWrongCodes(otp, identifier, ip);
    const onIssue = await refusal(otp.issue({ identifier, ip }));
    expect(onIssue.reason).toBe('locked');
    expect(onIssue.retryAfterSeconds).toBeGreaterThan(MAX_SLOWDOWN - 60);
    expect(onIssue.retryAfterSeconds).toBeLessThanOrEqual(900);
    expect((await refusal(otp.verify(untouched.challengeId, untouched.code, ip))).reason).toBe('locked');
    h.clock.now += 30_000;
    expect((await refusal(otp.resend(untouched.challengeId, ip))).reason).toBe('locked');
    expect(await otp.isLocked(h.fresh().identifier, { ip })).toBe(false);
  });

  it('lets a browser that signed in before past a lock and the slowing an attacker behind its own address caused', async () => {
    const { identifier, ip: nat } = h.fresh();
    const first = await otp.issue({ identifier, ip: nat });
    await otp.verify(first.challengeId, first.code, nat);
    const { token } = otp.trustDevice(identifier);

    // Behind the same carrier NAT an attacker locks the identifier for the address, and from
    // elsewhere asks for codes until the next one must wait.
    await tenWrongCodes(otp, identifier, nat);
    for (let i = 0; i < 2; i++) await otp.issue({ identifier, ip: h.fresh().ip });
    expect((await refusal(otp.issue({ identifier, ip: nat }))).reason).toBe('locked');
    expect((await refusal(otp.issue({ identifier, ip: h.fresh().ip }))).reason).toBe('rate_limited');

    // The owner's browser is counted as itself: a code at once, and it signs in.
    const { challengeId, code } = await otp.issue({ identifier, ip: nat, device: token });
    await expect(otp.verify(challengeId, code, nat, token)).resolves.toEqual({ identifier });
  });

  it("lets a trusted browser past its address's ceiling, which everyone behind the NAT shares", async () => {
    const strict = h.service({ sendsPerIpPerHour: 2 });
    const { identifier, ip: nat } = h.fresh();
    const { token } = strict.trustDevice(identifier);
    for (let i = 0; i < 2; i++) await strict.issue({ identifier: h.fresh().identifier, ip: nat });
    expect((await refusal(strict.issue({ identifier, ip: nat }))).reason).toBe('rate_limited');
    const { challengeId, code } = await strict.issue({ identifier, ip: nat, device: token });
    await expect(strict.verify(challengeId, code, nat, token)).resolves.toEqual({ identifier });
  });

  it('trusts a device token only for its identifier, unaltered and unexpired', async () => {
    const { identifier, ip } = h.fresh();
    await tenWrongCodes(otp, identifier, ip);
    const { token } = otp.trustDevice(identifier);
    const other = otp.trustDevice(h.fresh().identifier).token;
    const [id, expiry, mac] = token.split('.') as [string, string, string];
    const altered = `${id}.${expiry}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    const extended = `${id}.${Number(expiry) + 1000}.${mac}`;
    expect(await otp.isLocked(identifier, { ip, device: token })).toBe(false);
    for (const device of [other, altered, extended, 'garbage']) {
      expect(await otp.isLocked(identifier, { ip, device })).toBe(true);
    }
    const issuedAt = h.clock.now;
    h.clock.now = issuedAt + 30 * 24 * 3600 * 1000;
    try {
      expect(await otp.isLocked(identifier, { ip, device: token })).toBe(true);
    } finally {
      h.clock.now = issuedAt;
    }
  });

  it('locks a trusted device by its own wrong codes, not its address', async () => {
    const { identifier, ip } = h.fresh();
    const { token } = otp.trustDevice(identifier);
    const [a, b] = [
      await otp.issue({ identifier, ip, device: token }),
      await otp.issue({ identifier, ip, device: token }),
    ];
    for (let i = 0; i < 5; i++) await refusal(otp.verify(a.challengeId, wrongCode(a.code), ip, token));
    for (let i = 0; i < 4; i++) await refusal(otp.verify(b.challengeId, wrongCode(b.code), ip, token));
    expect((await refusal(otp.verify(b.challengeId, wrongCode(b.code), ip, token))).reason).toBe('locked');
    expect(await otp.isLocked(identifier, { ip, device: token })).toBe(true);
    expect(await otp.isLocked(identifier, { ip })).toBe(false);
  });

  it('counts the addresses of one IPv6 /64 as one address', async () => {
    const { identifier } = h.fresh();
    await tenWrongCodes(otp, identifier, '2001:db8:7:1::1');
    expect(await otp.isLocked(identifier, { ip: '2001:db8:7:1:ffff:ffff:ffff:fffe' })).toBe(true);
    expect(await otp.isLocked(identifier, { ip: '2001:db8:7:2::1' })).toBe(false);
  });

  it('unlocks the identifier for the address after lockSeconds', async () => {
    const quick = h.service({ failuresBeforeLock: 2, lockSeconds: 1 });
    const { identifier, ip } = h.fresh();
    const { challengeId, code } = await quick.issue({ identifier, ip });
    expect((await refusal(quick.verify(challengeId, wrongCode(code), ip))).reason).toBe('invalid_code');
    expect((await refusal(quick.verify(challengeId, wrongCode(code), ip))).reason).toBe('locked');
    expect(await quick.isLocked(identifier, { ip })).toBe(true);
    // The lock is a Redis TTL; wait it out well past.
    await sleep(2_000);
    expect(await quick.isLocked(identifier, { ip })).toBe(false);
    await expect(quick.verify(challengeId, code, ip)).resolves.toEqual({ identifier });
  });

  it('forgets earlier wrong codes from an address after clearFailures for it', async () => {
    const strict = h.service({ failuresBeforeLock: 3 });
    const { identifier, ip } = h.fresh();
    const first = await strict.issue({ identifier, ip });
    for (let i = 0; i < 2; i++) await refusal(strict.verify(first.challengeId, wrongCode(first.code), ip));
    await strict.clearFailures(identifier, { ip });
    const second = await strict.issue({ identifier, ip });
    for (let i = 0; i < 2; i++) {
      expect((await refusal(strict.verify(second.challengeId, wrongCode(second.code), ip))).reason).toBe(
        'invalid_code',
      );
    }
    expect((await refusal(strict.verify(second.challengeId, wrongCode(second.code), ip))).reason).toBe('locked');
  });
});

describe('the OTP policy', () => {
  it('raises the per-address ceiling with the per-identifier setting when only that is set', () => {
    // The conformance kit sets OTP_SENDS_PER_IDENTIFIER_PER_HOUR=500 and nothing newer.
    expect(resolveOtpPolicy({ sendsPerIdentifierPerHour: 500 })).toMatchObject({
      sendsPerIdentifierPerHour: 500,
      sendsPerIdentifierAndIpPerHour: 1000,
    });
    expect(resolveOtpPolicy({ sendsPerIdentifierAndIpPerHour: 7 }).sendsPerIdentifierAndIpPerHour).toBe(7);
    expect(() => resolveOtpPolicy({ sendSlowdownSeconds: 60, sendSlowdownMaxSeconds: 30 })).toThrow(/at least/);
  });

  it('waits nothing up to the free codes, then doubles up to the cap, and the cap after many wrong codes', () => {
    const policy = resolveOtpPolicy();
    expect([0, 4, 5, 6, 7, 8, 9, 50, 10_000].map((sent) => sendGapSeconds(policy, sent, 0))).toEqual([
      0, 0, 60, 120, 240, 480, 900, 900, 900,
    ]);
    expect(sendGapSeconds(policy, 0, 19)).toBe(0);
    expect(sendGapSeconds(policy, 0, 20)).toBe(900);
  });
});
