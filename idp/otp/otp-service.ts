import { randomBytes } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from '../../infra/redis.js';
import { deviceToken, trustedDeviceId } from './device-trust.js';
import { ipKey } from './ip-key.js';
import { generateOtpCode, hashOtpCode, otpCodeMatches } from './otp-code.js';
import { OtpError } from './otp-error.js';
import { type OtpPolicy, resolveOtpPolicy, sendGapSeconds } from './otp-policy.js';

export interface OtpServiceOptions {
  redis: Redis;
  /** Server secret keying the code hashes. */
  secret: string;
  policy?: Partial<OtpPolicy>;
  /** Prefix of every key this service writes; default 'otp:'. */
  keyPrefix?: string;
  /**
   * Clock in ms for challenge expiry, the resend cooldown and the wait between codes to one
   * identifier (tests move it); the hourly counters and the locks use Redis TTLs.
   */
  now?: () => number;
}

/**
 * Where a request comes from: the client's address and, if the browser has one, the device token
 * (see OtpService.trustDevice) from its cookie.
 */
export interface OtpOrigin {
  ip: string;
  device?: string | undefined;
}

/** The key the per-origin layers count under, and whether it is a trusted device. */
interface CountedOrigin {
  key: string;
  trusted: boolean;
}

export interface IssuedOtp {
  challengeId: string;
  code: string;
  expiresAt: Date;
}

export interface ResentOtp {
  code: string;
  expiresAt: Date;
}

/** The key outlives the code a little so that "expired" is decided by expiresAt, not by a vanished key. */
const KEY_GRACE_SECONDS = 60;
const CHALLENGE_ID = /^[A-Za-z0-9_-]{22}$/;

// Counts one attempt only on an existing challenge (HINCRBY alone would create a key without TTL).
const attemptScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
local fields = redis.call('HMGET', KEYS[1], 'identifier', 'codeHash', 'expiresAt')
return {attempts, fields[1], fields[2], fields[3]}
`;

// Deletes the challenge only if it still holds the code that was checked: one winner, and a resend in between loses.
const consumeScript = `
if redis.call('HGET', KEYS[1], 'codeHash') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

// Replaces the code only if nobody resent since we read sentAt, so two concurrent resends cannot both pass the cooldown.
const replaceScript = `
local sentAt = redis.call('HGET', KEYS[1], 'sentAt')
if not sentAt then return -1 end
if sentAt ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'codeHash', ARGV[2], 'expiresAt', ARGV[3], 'attempts', 0, 'sentAt', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`;

// The wait between codes to one identifier: refuses if the last code was sent less than ARGV[2] ms
// before ARGV[1], else stamps ARGV[1] as the last send and returns the stamp it replaced, so two
// concurrent sends cannot both pass one wait.
const claimSendScript = `
local last = redis.call('GET', KEYS[1])
local now = tonumber(ARGV[1])
local gap = tonumber(ARGV[2])
if last and gap > 0 and now < tonumber(last) + gap then return {'wait', tostring(tonumber(last) + gap - now)} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return {'ok', last or ''}
`;

// Gives back a claimed send stamp when another layer refused the send, unless a later send replaced it.
const releaseSendScript = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then return redis.call('DEL', KEYS[1]) end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`;

const retryAfter = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** The window of every counter but the identifier's wrong codes. */
const HOUR_SECONDS = 3600;
const DAY_SECONDS = 24 * HOUR_SECONDS;
/** Points of a counter that only counts (its number feeds the slowing) and never refuses. */
const COUNT_ONLY = 1_000_000_000;

/**
 * One-time codes sent by SMS or e-mail: issue, resend and verify challenges stored in Redis, under
 * layered limits (see OtpPolicy and the README table):
 * - codes to one identifier slow down (a growing wait) but are never blocked for it as a whole;
 * - codes to one identifier from one address, and codes from one address, are blocked past a ceiling;
 * - wrong codes lock the identifier for the address they came from only, so an attacker hammering
 *   a citizen's number locks themselves out, not the citizen; wrong codes from everywhere only slow
 *   the codes sent to it;
 * - a browser that proved a code for the identifier before (trustDevice) is counted as itself, not
 *   as its address, and skips the slowing and the address's ceiling: an attacker behind the
 *   owner's own carrier NAT cannot lock, slow or block the owner's phone.
 * Every refusal is an OtpError whose reason and retryAfterSeconds say nothing about which layer
 * refused beyond "try again in N seconds", nor whether the identifier has an account.
 */
export class OtpService {
  private readonly redis: Redis;
  private readonly secret: string;
  private readonly policy: OtpPolicy;
  private readonly prefix: string;
  private readonly now: () => number;
  private readonly sendsByIdentifier: RateLimiterRedis;
  private readonly sendsByPair: RateLimiterRedis;
  private readonly sendsByIp: RateLimiterRedis;
  private readonly failuresByIdentifier: RateLimiterRedis;
  private readonly failuresByPair: RateLimiterRedis;

  constructor(options: OtpServiceOptions) {
    if (!options.secret) throw new Error('OtpService needs a non-empty secret');
    this.redis = options.redis;
    this.secret = options.secret;
    this.policy = resolveOtpPolicy(options.policy);
    this.prefix = options.keyPrefix ?? 'otp:';
    this.now = options.now ?? Date.now;
    const limiter = (name: string, points: number, blockDuration?: number, duration = HOUR_SECONDS) =>
      new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${this.prefix}${name}`,
        points,
        duration,
        ...(blockDuration ? { blockDuration } : {}),
      });
    this.sendsByIdentifier = limiter('sends-id', COUNT_ONLY);
    this.sendsByPair = limiter('sends-id-ip', this.policy.sendsPerIdentifierAndIpPerHour);
    this.sendsByIp = limiter('sends-ip', this.policy.sendsPerIpPerHour);
    this.failuresByIdentifier = limiter('failures-id', COUNT_ONLY, undefined, DAY_SECONDS);
    this.failuresByPair = limiter('failures-id-ip', this.policy.failuresBeforeLock, this.policy.lockSeconds);
  }

  /**
   * Starts a challenge for `identifier` asked for from `ip` (and `device`) and returns its code (to
   * send) and id (for the page). Throws OtpError `locked` (this identifier from this origin) or
   * `rate_limited`.
   */
  async issue({ identifier, ip, device }: { identifier: string } & OtpOrigin): Promise<IssuedOtp> {
    if (!identifier || !ip) throw new TypeError('identifier and ip are required');
    const origin = this.origin(identifier, { ip, device });
    await this.refuseIfLocked(origin);
    await this.countSend(identifier, ip, origin);
    const challengeId = randomBytes(16).toString('base64url');
    const code = generateOtpCode();
    const sentAt = this.now();
    const expiresAt = sentAt + this.policy.codeTtlSeconds * 1000;
    const results = await this.redis
      .multi()
      .hset(this.challengeKey(challengeId), {
        identifier,
        codeHash: hashOtpCode(this.secret, challengeId, code),
        expiresAt,
        attempts: 0,
        sentAt,
      })
      .pexpire(this.challengeKey(challengeId), this.keyTtlMs())
      .exec();
    // MULTI reports a failed command in its results instead of rejecting.
    const failed = results?.find(([error]) => error)?.[0];
    if (failed) throw failed;
    return { challengeId, code, expiresAt: new Date(expiresAt) };
  }

  /**
   * A new code for the challenge, asked for from `ip`; the old code stops working. Throws OtpError
   * `expired`, `cooldown` (within resendCooldownSeconds of the last code), `locked` or `rate_limited`.
   */
  async resend(challengeId: string, ip: string, device?: string): Promise<ResentOtp> {
    if (!CHALLENGE_ID.test(challengeId)) throw new OtpError('expired');
    const key = this.challengeKey(challengeId);
    const [identifier, sentAtText] = await this.redis.hmget(key, 'identifier', 'sentAt');
    if (!identifier || !sentAtText) throw new OtpError('expired');
    const origin = this.origin(identifier, { ip, device });
    await this.refuseIfLocked(origin);
    const cooldownMs = this.policy.resendCooldownSeconds * 1000;
    const waitMs = Number(sentAtText) + cooldownMs - this.now();
    if (waitMs > 0) throw new OtpError('cooldown', { retryAfterSeconds: retryAfter(waitMs) });
    await this.countSend(identifier, ip, origin);
    const code = generateOtpCode();
    const sentAt = this.now();
    const expiresAt = sentAt + this.policy.codeTtlSeconds * 1000;
    const codeHash = hashOtpCode(this.secret, challengeId, code);
    const replaced = await this.redis.eval(
      replaceScript,
      1,
      key,
      sentAtText,
      codeHash,
      expiresAt,
      sentAt,
      this.keyTtlMs(),
    );
    if (replaced === -1) throw new OtpError('expired');
    if (replaced !== 1) throw new OtpError('cooldown', { retryAfterSeconds: this.policy.resendCooldownSeconds });
    return { code, expiresAt: new Date(expiresAt) };
  }

  /**
   * Proves `code` for the challenge, typed at `ip` (by `device`), and consumes it. Throws OtpError
   * `expired`, `too_many_attempts`, `invalid_code`, or `locked` when this identifier is locked for
   * this origin (a lock elsewhere does not stop it).
   */
  async verify(challengeId: string, code: string, ip: string, device?: string): Promise<{ identifier: string }> {
    if (!ip) throw new TypeError('ip is required');
    if (!CHALLENGE_ID.test(challengeId)) throw new OtpError('expired');
    const key = this.challengeKey(challengeId);
    // The attempt is counted before the code is looked at, so parallel guesses cannot exceed the limit.
    const row = (await this.redis.eval(attemptScript, 1, key)) as [number, string, string, string] | null;
    if (!row) throw new OtpError('expired');
    const [attempts, identifier, codeHash, expiresAt] = row;
    const origin = this.origin(identifier, { ip, device });
    await this.refuseIfLocked(origin);
    if (attempts > this.policy.maxAttemptsPerChallenge) throw new OtpError('too_many_attempts');
    if (this.now() >= Number(expiresAt)) throw new OtpError('expired');
    if (!otpCodeMatches(this.secret, challengeId, code, codeHash)) {
      await this.countFailure(identifier, origin);
      throw new OtpError('invalid_code', { attemptsLeft: Math.max(0, this.policy.maxAttemptsPerChallenge - attempts) });
    }
    const consumed = await this.redis.eval(consumeScript, 1, key, codeHash);
    if (consumed !== 1) throw new OtpError('expired');
    return { identifier };
  }

  /** Whether wrong codes locked `identifier` for this origin (other origins are not locked). */
  async isLocked(identifier: string, from: OtpOrigin): Promise<boolean> {
    return (await this.lockRemainingMs(this.origin(identifier, from))) > 0;
  }

  /**
   * Forgets the wrong codes of an identifier from this origin, after it signed in from there. Wrong
   * codes from elsewhere still count: they are somebody else's.
   */
  async clearFailures(identifier: string, from: OtpOrigin): Promise<void> {
    await this.failuresByPair.delete(this.origin(identifier, from).key);
  }

  /**
   * A new device token for a browser that has just proved a code for `identifier`, good for
   * `deviceTrustDays`; the caller keeps it in an HttpOnly cookie and hands it back as `device`.
   */
  trustDevice(identifier: string): { token: string; maxAgeSeconds: number } {
    const maxAgeSeconds = this.policy.deviceTrustDays * DAY_SECONDS;
    return { token: deviceToken(this.secret, identifier, this.now() + maxAgeSeconds * 1000), maxAgeSeconds };
  }

  private challengeKey(challengeId: string): string {
    return `${this.prefix}ch:${challengeId}`;
  }

  private lastSendKey(identifier: string): string {
    return `${this.prefix}last-send:${identifier}`;
  }

  /** A trusted device is counted as itself; anyone else as their address (IPv6: its /64). */
  private origin(identifier: string, { ip, device }: OtpOrigin): CountedOrigin {
    const deviceId = trustedDeviceId(this.secret, identifier, device, this.now());
    return deviceId
      ? { key: `${identifier}|device:${deviceId}`, trusted: true }
      : { key: `${identifier}|${ipKey(ip)}`, trusted: false };
  }

  private keyTtlMs(): number {
    return (this.policy.codeTtlSeconds + KEY_GRACE_SECONDS) * 1000;
  }

  private async lockRemainingMs(origin: CountedOrigin): Promise<number> {
    const state = await this.failuresByPair.get(origin.key);
    // A lock is the failure counter pushed past its points with the lock's TTL.
    return state && state.consumedPoints > this.policy.failuresBeforeLock ? Math.max(state.msBeforeNext, 1) : 0;
  }

  private async refuseIfLocked(origin: CountedOrigin): Promise<void> {
    const ms = await this.lockRemainingMs(origin);
    if (ms > 0) throw new OtpError('locked', { retryAfterSeconds: retryAfter(ms) });
  }

  /**
   * Lets one code go to `identifier` for `ip`, or throws OtpError `rate_limited`: first the wait
   * since the identifier's last code (slowing), then the origin's and the address's ceilings
   * (blocking); a trusted device neither waits nor meets the address's ceiling. Only a code that passes every layer counts towards the
   * identifier's slowing, so a refused attacker does not lengthen the owner's wait.
   */
  private async countSend(identifier: string, ip: string, origin: CountedOrigin): Promise<void> {
    const [sent, failures] = await Promise.all([
      this.sendsByIdentifier.get(identifier),
      this.failuresByIdentifier.get(identifier),
    ]);
    const gapMs = origin.trusted
      ? 0
      : sendGapSeconds(this.policy, sent?.consumedPoints ?? 0, failures?.consumedPoints ?? 0) * 1000;
    const stamp = String(this.now());
    const windowMs = HOUR_SECONDS * 1000;
    const lastSend = this.lastSendKey(identifier);
    const [outcome, value] = (await this.redis.eval(claimSendScript, 1, lastSend, stamp, gapMs, windowMs)) as [
      string,
      string,
    ];
    if (outcome === 'wait') throw new OtpError('rate_limited', { retryAfterSeconds: retryAfter(Number(value)) });

    // A trusted device is not one machine spraying codes at many numbers: the address's ceiling,
    // which everyone behind a NAT shares, neither counts nor stops it.
    const ceilings = [this.sendsByPair.consume(origin.key)];
    if (!origin.trusted) ceilings.push(this.sendsByIp.consume(ipKey(ip)));
    const results = await Promise.allSettled(ceilings);
    let waitMs: number | undefined;
    for (const result of results) {
      if (result.status === 'fulfilled') continue;
      if (!(result.reason instanceof RateLimiterRes)) throw result.reason;
      waitMs = Math.max(waitMs ?? 0, result.reason.msBeforeNext);
    }
    if (waitMs !== undefined) {
      await this.redis.eval(releaseSendScript, 1, lastSend, stamp, value, windowMs);
      throw new OtpError('rate_limited', { retryAfterSeconds: retryAfter(waitMs) });
    }
    await this.sendsByIdentifier.consume(identifier);
  }

  /** Counts a wrong code; throws OtpError `locked` when it locks the identifier for this origin. */
  private async countFailure(identifier: string, origin: CountedOrigin): Promise<void> {
    await this.failuresByIdentifier.consume(identifier);
    try {
      const state = await this.failuresByPair.consume(origin.key);
      if (state.remainingPoints > 0) return;
      // The failure that reaches the limit locks at once rather than on the next one.
      await this.failuresByPair.block(origin.key, this.policy.lockSeconds);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
    }
    throw new OtpError('locked', { retryAfterSeconds: this.policy.lockSeconds });
  }
}
