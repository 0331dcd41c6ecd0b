import { randomBytes } from 'node:crypto';
import type { Redis } from '../../infra/redis.js';
import { deviceToken, trustedDeviceId } from './device-trust.js';
import { ipKey } from './ip-key.js';
import { generateOtpCode, hashOtpCode, typedCodeHash } from './otp-code.js';
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

/**
 * One verification, decided in one script. KEYS: the challenge, the wrong codes of the identifier
 * from this origin. ARGV: the identifier the origin was computed for, the hash of the typed code
 * ('' for text that is no code), the lock's limit, the attempts allowed, now (ms).
 * The attempt is counted first (only on an existing challenge: HINCRBY alone would create a key
 * without TTL), so parallel guesses cannot exceed the limit; then the lock, the attempts, the
 * expiry; a matching code deletes the challenge (exactly one winner, and a resend in between
 * replaced the hash so the old code loses) together with this origin's wrong codes.
 * Returns {'ok'}, {'expired'}, {'locked', ms}, {'too_many_attempts'} or {'invalid', attempts}.
 */
const verifyScript = `
local fields = redis.call('HMGET', KEYS[1], 'identifier', 'codeHash', 'expiresAt')
if not fields[1] or fields[1] ~= ARGV[1] then return {'expired'} end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
local failures = redis.call('GET', KEYS[2])
if failures and tonumber(failures) > tonumber(ARGV[3]) then
  return {'locked', tostring(redis.call('PTTL', KEYS[2]))}
end
if attempts > tonumber(ARGV[4]) then return {'too_many_attempts'} end
if tonumber(ARGV[5]) >= tonumber(fields[3]) then return {'expired'} end
if ARGV[2] == '' or fields[2] ~= ARGV[2] then return {'invalid', tostring(attempts)} end
redis.call('DEL', KEYS[1], KEYS[2])
return {'ok'}
`;

// The counters are fixed windows: a key holding a count that expires with its window, the layout
// rate-limiter-flexible used before (same names), counted in the same script as the decision.
// countFresh is for keys usually new in their window (one command then), countShared for keys
// usually counting already (one command then).
const COUNTERS = `
local function countFresh(key, seconds)
  if redis.call('SET', key, 1, 'EX', seconds, 'NX') then return 1 end
  return redis.call('INCR', key)
end
local function countShared(key, seconds)
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, seconds) end
  return n
end
`;

/**
 * One code sent, decided and recorded atomically. KEYS: last send to the identifier, sends for
 * identifier+origin, sends from the address, sends to the identifier, the challenge. ARGV: now
 * (ms), the wait since the last send (ms, 0 = none), the window (ms), the window (s), the
 * origin's ceiling, the address's ceiling (0 = not counted: a trusted device), the challenge's
 * key TTL (ms), the sentAt the challenge must still hold ('' = a new challenge), then its fields
 * identifier, codeHash, expiresAt, sentAt.
 * 1. The wait between codes to the identifier (slowing): {'wait', ms}, nothing counted.
 * 2. The origin's and the address's ceilings (blocking): both count; {'limited', ms} and the
 *    last-send stamp is given back, so a refused attacker does not lengthen the owner's wait.
 * 3. The identifier's count (feeds the slowing), then the challenge is written: {'ok'}, or for a
 *    resend {'expired'} / {'cooldown'} when the challenge is gone or was resent meanwhile.
 */
const sendScript = `${COUNTERS}
local now = tonumber(ARGV[1])
local gap = tonumber(ARGV[2])
local last = redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3], 'GET')
if last and gap > 0 and now < tonumber(last) + gap then
  redis.call('SET', KEYS[1], last, 'PX', ARGV[3])
  return {'wait', tostring(tonumber(last) + gap - now)}
end
local waitMs = -1
if countFresh(KEYS[2], ARGV[4]) > tonumber(ARGV[5]) then waitMs = redis.call('PTTL', KEYS[2]) end
local ipPoints = tonumber(ARGV[6])
if ipPoints > 0 and countShared(KEYS[3], ARGV[4]) > ipPoints then
  waitMs = math.max(waitMs, redis.call('PTTL', KEYS[3]))
end
if waitMs >= 0 then
  if last then redis.call('SET', KEYS[1], last, 'PX', ARGV[3]) else redis.call('DEL', KEYS[1]) end
  return {'limited', tostring(waitMs)}
end
countFresh(KEYS[4], ARGV[4])
if ARGV[8] ~= '' then
  local sentAt = redis.call('HGET', KEYS[5], 'sentAt')
  if not sentAt then return {'expired'} end
  if sentAt ~= ARGV[8] then return {'cooldown'} end
end
redis.call('HSET', KEYS[5], 'identifier', ARGV[9], 'codeHash', ARGV[10], 'expiresAt', ARGV[11], 'attempts', 0, 'sentAt', ARGV[12])
redis.call('PEXPIRE', KEYS[5], ARGV[7])
return {'ok'}
`;

/**
 * One wrong code: counts it for the identifier (a day's window) and for the identifier+origin
 * pair (an hour's); the failure that reaches ARGV[3] locks the pair for ARGV[4] seconds (its
 * count set past the limit with the lock's TTL). Returns 1 when the pair is locked.
 */
const failureScript = `${COUNTERS}
countShared(KEYS[1], ARGV[1])
local n = countShared(KEYS[2], ARGV[2])
local limit = tonumber(ARGV[3])
if n < limit then return 0 end
if n <= limit + 1 then redis.call('SET', KEYS[2], limit + 1, 'EX', ARGV[4]) end
return 1
`;

const retryAfter = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** The window of every counter but the identifier's wrong codes. */
const HOUR_SECONDS = 3600;
const DAY_SECONDS = 24 * HOUR_SECONDS;
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

  constructor(options: OtpServiceOptions) {
    if (!options.secret) throw new Error('OtpService needs a non-empty secret');
    this.redis = options.redis;
    this.secret = options.secret;
    this.policy = resolveOtpPolicy(options.policy);
    this.prefix = options.keyPrefix ?? 'otp:';
    this.now = options.now ?? Date.now;
  }

  /**
   * Starts a challenge for `identifier` asked for from `ip` (and `device`) and returns its code (to
   * send) and id (for the page). Throws OtpError `locked` (this identifier from this origin) or
   * `rate_limited`.
   */
  async issue({ identifier, ip, device }: { identifier: string } & OtpOrigin): Promise<IssuedOtp> {
    if (!identifier || !ip) throw new TypeError('identifier and ip are required');
    const challengeId = randomBytes(16).toString('base64url');
    const code = generateOtpCode();
    const expiresAt = await this.send(identifier, ip, this.origin(identifier, { ip, device }), challengeId, code);
    return { challengeId, code, expiresAt: new Date(expiresAt) };
  }

  /**
   * A new code for the challenge, asked for from `ip`; the old code stops working. Throws OtpError
   * `expired`, `cooldown` (within resendCooldownSeconds of the last code), `locked` or `rate_limited`.
   */
  async resend(challengeId: string, ip: string, device?: string): Promise<ResentOtp> {
    if (!CHALLENGE_ID.test(challengeId)) throw new OtpError('expired');
    const [identifier, sentAtText] = await this.redis.hmget(this.challengeKey(challengeId), 'identifier', 'sentAt');
    if (!identifier || !sentAtText) throw new OtpError('expired');
    const origin = this.origin(identifier, { ip, device });
    const cooldownMs = this.policy.resendCooldownSeconds * 1000;
    const code = generateOtpCode();
    const expiresAt = await this.send(identifier, ip, origin, challengeId, code, () => {
      // Checked after the lock, as a locked origin learns nothing else.
      const waitMs = Number(sentAtText) + cooldownMs - this.now();
      if (waitMs > 0) throw new OtpError('cooldown', { retryAfterSeconds: retryAfter(waitMs) });
      return sentAtText;
    });
    return { code, expiresAt: new Date(expiresAt) };
  }

  /**
   * Proves `code` for the challenge, typed at `ip` (by `device`), and consumes it; the wrong codes
   * of the identifier from this origin are forgotten with it (it signed in from there). A caller
   * that knows the identifier the challenge was issued for passes it (one round trip instead of
   * two); a challenge for another identifier is then `expired`. Throws OtpError `expired`,
   * `too_many_attempts`, `invalid_code`, or `locked` when this identifier is locked for this
   * origin (a lock elsewhere does not stop it).
   */
  async verify(
    challengeId: string,
    code: string,
    ip: string,
    device?: string,
    issuedFor?: string,
  ): Promise<{ identifier: string }> {
    if (!ip) throw new TypeError('ip is required');
    if (!CHALLENGE_ID.test(challengeId)) throw new OtpError('expired');
    const key = this.challengeKey(challengeId);
    const identifier = issuedFor ?? (await this.redis.hget(key, 'identifier'));
    if (!identifier) throw new OtpError('expired');
    const origin = this.origin(identifier, { ip, device });
    const [outcome, value] = (await this.redis.eval(
      verifyScript,
      2,
      key,
      this.failuresKey(origin),
      identifier,
      typedCodeHash(this.secret, challengeId, code) ?? '',
      this.policy.failuresBeforeLock,
      this.policy.maxAttemptsPerChallenge,
      this.now(),
    )) as [string, string | undefined];
    switch (outcome) {
      case 'ok':
        return { identifier };
      case 'locked':
        throw new OtpError('locked', { retryAfterSeconds: retryAfter(Math.max(Number(value), 1)) });
      case 'too_many_attempts':
        throw new OtpError('too_many_attempts');
      case 'invalid': {
        await this.countFailure(identifier, origin);
        const attempts = Number(value);
        throw new OtpError('invalid_code', {
          attemptsLeft: Math.max(0, this.policy.maxAttemptsPerChallenge - attempts),
        });
      }
      default:
        throw new OtpError('expired');
    }
  }

  /** Whether wrong codes locked `identifier` for this origin (other origins are not locked). */
  async isLocked(identifier: string, from: OtpOrigin): Promise<boolean> {
    const origin = this.origin(identifier, from);
    return this.isLockCount(await this.redis.get(this.failuresKey(origin)));
  }

  /**
   * Forgets the wrong codes of an identifier from this origin, after it signed in from there (verify
   * does it itself). Wrong codes from elsewhere still count: they are somebody else's.
   */
  async clearFailures(identifier: string, from: OtpOrigin): Promise<void> {
    await this.redis.del(this.failuresKey(this.origin(identifier, from)));
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

  /** Counter keys, named as rate-limiter-flexible named them before (`<prefix><name>:<key>`). */
  private counterKey(name: string, key: string): string {
    return `${this.prefix}${name}:${key}`;
  }

  private failuresKey(origin: CountedOrigin): string {
    return this.counterKey('failures-id-ip', origin.key);
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

  /** A lock is the failure counter pushed past its limit with the lock's TTL. */
  private isLockCount(count: string | null): boolean {
    return Number(count ?? 0) > this.policy.failuresBeforeLock;
  }

  private async throwLocked(origin: CountedOrigin): Promise<never> {
    const ms = await this.redis.pttl(this.failuresKey(origin));
    throw new OtpError('locked', { retryAfterSeconds: retryAfter(Math.max(ms, 1)) });
  }

  /**
   * Lets one code go to `identifier` for `ip` and stores it in the challenge, or throws OtpError
   * `locked` or `rate_limited` (see sendScript for the layers and their order); a trusted device
   * neither waits nor meets the address's ceiling. `resendOf` (after the lock check) throws
   * `cooldown` or returns the sentAt the challenge must still hold. Returns the code's expiry (ms).
   */
  private async send(
    identifier: string,
    ip: string,
    origin: CountedOrigin,
    challengeId: string,
    code: string,
    resendOf?: () => string,
  ): Promise<number> {
    // The lock and what the slowing is computed from, in one read.
    const [failuresHere, sent, failures] = await this.redis.mget(
      this.failuresKey(origin),
      this.counterKey('sends-id', identifier),
      this.counterKey('failures-id', identifier),
    );
    if (this.isLockCount(failuresHere ?? null)) await this.throwLocked(origin);
    const previousSentAt = resendOf?.() ?? '';
    const gapMs = origin.trusted ? 0 : sendGapSeconds(this.policy, Number(sent ?? 0), Number(failures ?? 0)) * 1000;
    const sentAt = this.now();
    const expiresAt = sentAt + this.policy.codeTtlSeconds * 1000;
    const [outcome, value] = (await this.redis.eval(
      sendScript,
      5,
      this.lastSendKey(identifier),
      this.counterKey('sends-id-ip', origin.key),
      this.counterKey('sends-ip', ipKey(ip)),
      this.counterKey('sends-id', identifier),
      this.challengeKey(challengeId),
      sentAt,
      gapMs,
      HOUR_SECONDS * 1000,
      HOUR_SECONDS,
      this.policy.sendsPerIdentifierAndIpPerHour,
      origin.trusted ? 0 : this.policy.sendsPerIpPerHour,
      this.keyTtlMs(),
      previousSentAt,
      identifier,
      hashOtpCode(this.secret, challengeId, code),
      expiresAt,
      sentAt,
    )) as [string, string | undefined];
    switch (outcome) {
      case 'ok':
        return expiresAt;
      case 'wait':
      case 'limited':
        throw new OtpError('rate_limited', { retryAfterSeconds: retryAfter(Number(value)) });
      case 'expired':
        throw new OtpError('expired');
      default:
        throw new OtpError('cooldown', { retryAfterSeconds: this.policy.resendCooldownSeconds });
    }
  }

  private lastSendKey(identifier: string): string {
    return `${this.prefix}last-send:${identifier}`;
  }

  /** Counts a wrong code; throws OtpError `locked` when it locks the identifier for this origin. */
  private async countFailure(identifier: string, origin: CountedOrigin): Promise<void> {
    const locked = await this.redis.eval(
      failureScript,
      2,
      this.counterKey('failures-id', identifier),
      this.failuresKey(origin),
      DAY_SECONDS,
      HOUR_SECONDS,
      this.policy.failuresBeforeLock,
      this.policy.lockSeconds,
    );
    if (locked === 1) throw new OtpError('locked', { retryAfterSeconds: this.policy.lockSeconds });
  }
}
