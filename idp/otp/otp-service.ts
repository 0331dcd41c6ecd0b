import { randomBytes } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from '../../infra/redis.js';
import { generateOtpCode, hashOtpCode, otpCodeMatches } from './otp-code.js';
import { OtpError } from './otp-error.js';
import { type OtpPolicy, resolveOtpPolicy } from './otp-policy.js';

export interface OtpServiceOptions {
  redis: Redis;
  /** Server secret keying the code hashes. */
  secret: string;
  policy?: Partial<OtpPolicy>;
  /** Prefix of every key this service writes; default 'otp:'. */
  keyPrefix?: string;
  /** Clock in ms for challenge expiry and resend cooldown (tests move it); hourly limits and locks use Redis TTLs. */
  now?: () => number;
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

const retryAfter = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * One-time codes sent by SMS or e-mail: issue, resend and verify challenges stored in Redis,
 * with per-identifier and per-ip send limits and a lock after repeated wrong codes.
 */
export class OtpService {
  private readonly redis: Redis;
  private readonly secret: string;
  private readonly policy: OtpPolicy;
  private readonly prefix: string;
  private readonly now: () => number;
  private readonly sendsByIdentifier: RateLimiterRedis;
  private readonly sendsByIp: RateLimiterRedis;
  private readonly failures: RateLimiterRedis;

  constructor(options: OtpServiceOptions) {
    if (!options.secret) throw new Error('OtpService needs a non-empty secret');
    this.redis = options.redis;
    this.secret = options.secret;
    this.policy = resolveOtpPolicy(options.policy);
    this.prefix = options.keyPrefix ?? 'otp:';
    this.now = options.now ?? Date.now;
    const limiter = (name: string, points: number, blockDuration?: number) =>
      new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${this.prefix}${name}`,
        points,
        duration: 3600,
        ...(blockDuration ? { blockDuration } : {}),
      });
    this.sendsByIdentifier = limiter('sends-id', this.policy.sendsPerIdentifierPerHour);
    this.sendsByIp = limiter('sends-ip', this.policy.sendsPerIpPerHour);
    this.failures = limiter('failures', this.policy.failuresBeforeLock, this.policy.lockSeconds);
  }

  async issue({ identifier, ip }: { identifier: string; ip: string }): Promise<IssuedOtp> {
    if (!identifier || !ip) throw new TypeError('identifier and ip are required');
    await this.refuseIfLocked(identifier);
    await this.countSend(identifier, ip);
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

  async resend(challengeId: string, ip: string): Promise<ResentOtp> {
    if (!CHALLENGE_ID.test(challengeId)) throw new OtpError('expired');
    const key = this.challengeKey(challengeId);
    const [identifier, sentAtText] = await this.redis.hmget(key, 'identifier', 'sentAt');
    if (!identifier || !sentAtText) throw new OtpError('expired');
    await this.refuseIfLocked(identifier);
    const cooldownMs = this.policy.resendCooldownSeconds * 1000;
    const waitMs = Number(sentAtText) + cooldownMs - this.now();
    if (waitMs > 0) throw new OtpError('cooldown', { retryAfterSeconds: retryAfter(waitMs) });
    await this.countSend(identifier, ip);
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

  async verify(challengeId: string, code: string): Promise<{ identifier: string }> {
    if (!CHALLENGE_ID.test(challengeId)) throw new OtpError('expired');
    const key = this.challengeKey(challengeId);
    // The attempt is counted before the code is looked at, so parallel guesses cannot exceed the limit.
    const row = (await this.redis.eval(attemptScript, 1, key)) as [number, string, string, string] | null;
    if (!row) throw new OtpError('expired');
    const [attempts, identifier, codeHash, expiresAt] = row;
    await this.refuseIfLocked(identifier);
    if (attempts > this.policy.maxAttemptsPerChallenge) throw new OtpError('too_many_attempts');
    if (this.now() >= Number(expiresAt)) throw new OtpError('expired');
    if (!otpCodeMatches(this.secret, challengeId, code, codeHash)) {
      await this.countFailure(identifier);
      throw new OtpError('invalid_code', { attemptsLeft: Math.max(0, this.policy.maxAttemptsPerChallenge - attempts) });
    }
    const consumed = await this.redis.eval(consumeScript, 1, key, codeHash);
    if (consumed !== 1) throw new OtpError('expired');
    return { identifier };
  }

  async isLocked(identifier: string): Promise<boolean> {
    return (await this.lockRemainingMs(identifier)) > 0;
  }

  /** Forgets the wrong codes of an identifier, after it logged in successfully. */
  async clearFailures(identifier: string): Promise<void> {
    await this.failures.delete(identifier);
  }

  private challengeKey(challengeId: string): string {
    return `${this.prefix}ch:${challengeId}`;
  }

  private keyTtlMs(): number {
    return (this.policy.codeTtlSeconds + KEY_GRACE_SECONDS) * 1000;
  }

  private async lockRemainingMs(identifier: string): Promise<number> {
    const state = await this.failures.get(identifier);
    // A lock is the failure counter pushed past its points with the lock's TTL.
    return state && state.consumedPoints > this.policy.failuresBeforeLock ? Math.max(state.msBeforeNext, 1) : 0;
  }

  private async refuseIfLocked(identifier: string): Promise<void> {
    const ms = await this.lockRemainingMs(identifier);
    if (ms > 0) throw new OtpError('locked', { retryAfterSeconds: retryAfter(ms) });
  }

  private async countSend(identifier: string, ip: string): Promise<void> {
    const results = await Promise.allSettled([this.sendsByIdentifier.consume(identifier), this.sendsByIp.consume(ip)]);
    let waitMs: number | undefined;
    for (const result of results) {
      if (result.status === 'fulfilled') continue;
      if (!(result.reason instanceof RateLimiterRes)) throw result.reason;
      waitMs = Math.max(waitMs ?? 0, result.reason.msBeforeNext);
    }
    if (waitMs !== undefined) throw new OtpError('rate_limited', { retryAfterSeconds: retryAfter(waitMs) });
  }

  private async countFailure(identifier: string): Promise<void> {
    try {
      const state = await this.failures.consume(identifier);
      if (state.remainingPoints > 0) return;
      // The failure that reaches the limit locks at once rather than on the next one.
      await this.failures.block(identifier, this.policy.lockSeconds);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
    }
    throw new OtpError('locked', { retryAfterSeconds: this.policy.lockSeconds });
  }
}
