import { randomBytes } from 'node:crypto';
import type { Redis } from '../../../infra/redis.js';

/** The citizen a session is signed in as, from the ID token. */
export interface SessionUser {
  sub: string;
  /** The idp's session id (`sid`), which back-channel logout names. */
  sid?: string;
  name?: string;
  /**
   * Which contacts the idp vouched for in the ID token (`email_verified`, `phone_number_verified`):
   * where receipts can go. Absent in sessions signed in before it was recorded.
   */
  verified?: { email: boolean; phone: boolean };
}

/** Tokens live only here, server-side; the browser never sees them. */
export interface SessionTokens {
  accessToken: string;
  /** Epoch milliseconds when the access token expires. */
  accessExpiresAt: number;
  refreshToken?: string;
  idToken?: string;
}

/** A sign-in in progress: what the callback must match (OIDC state, nonce, PKCE verifier). */
export interface PendingLogin {
  state: string;
  nonce: string;
  verifier: string;
  /** A local path to go back to after signing in. */
  returnTo: string;
}

/** A portal session as stored in Redis (JSON); times are epoch milliseconds. */
export interface Session {
  /** Opaque, random: the cookie's value and the Redis key. */
  id: string;
  /** Epoch ms when created; a signed-in session is new from its sign-in (ids rotate then). */
  createdAt: number;
  /** Epoch ms after which the session is over whatever its activity (absolute lifetime). */
  expiresAt: number;
  /** The per-session CSRF token every form carries. */
  csrf: string;
  login?: PendingLogin;
  user?: SessionUser;
  tokens?: SessionTokens;
}

/** Session lifetimes in seconds: without a request (idle), and from creation (absolute). */
export interface SessionLifetimes {
  idleSeconds: number;
  absoluteSeconds: number;
}

const key = (id: string) => `portal:session:${id}`;
const sidKey = (sid: string) => `portal:sid:${sid}`;
const subKey = (sub: string) => `portal:sub:${sub}`;
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Portal sessions in Redis, one JSON value per session id. The idle lifetime is the key's TTL,
 * renewed on every request (`touch`) but never past the absolute lifetime; the absolute one is
 * also checked in code on every load (`expiresAt`). Signed-in sessions are indexed by the idp's
 * `sid` and by `sub` so a back-channel logout can end them all.
 */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly lifetimes: SessionLifetimes,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new, empty session with a fresh id and CSRF token (not yet stored). */
  create(): Session {
    const createdAt = this.now();
    return {
      id: randomBytes(32).toString('base64url'),
      createdAt,
      expiresAt: createdAt + this.lifetimes.absoluteSeconds * 1000,
      csrf: randomBytes(32).toString('base64url'),
    };
  }

  /** The live session with this id, or undefined (unknown, malformed id, or past its absolute end). */
  async load(id: string | undefined): Promise<Session | undefined> {
    if (!id || !ID_PATTERN.test(id)) return undefined;
    const raw = await this.redis.get(key(id));
    if (!raw) return undefined;
    const session = JSON.parse(raw) as Session;
    if (session.expiresAt <= this.now()) {
      await this.destroy(session);
      return undefined;
    }
    return session;
  }

  /** Writes the session with its TTL, and indexes a signed-in one by sid and sub. */
  async save(session: Session): Promise<void> {
    const ttl = this.ttlSeconds(session);
    if (ttl <= 0) return;
    const multi = this.redis.multi().set(key(session.id), JSON.stringify(session), 'EX', ttl);
    if (session.user) {
      // An index lives as long as its longest-lived session: NX sets a new index's expiry, GT only
      // ever lengthens it (Redis 7), so a session saved late never cuts another's index short.
      const absolute = Math.ceil((session.expiresAt - this.now()) / 1000);
      const indexes = [...(session.user.sid ? [sidKey(session.user.sid)] : []), subKey(session.user.sub)];
      for (const index of indexes) {
        multi.sadd(index, session.id).expire(index, absolute, 'NX').expire(index, absolute, 'GT');
      }
    }
    await multi.exec();
  }

  /** Renews the idle lifetime of a session that was just used. */
  async touch(session: Session): Promise<void> {
    const ttl = this.ttlSeconds(session);
    if (ttl > 0) await this.redis.expire(key(session.id), ttl);
  }

  async destroy(session: Pick<Session, 'id' | 'user'>): Promise<void> {
    const multi = this.redis.multi().del(key(session.id));
    if (session.user?.sid) multi.srem(sidKey(session.user.sid), session.id);
    if (session.user) multi.srem(subKey(session.user.sub), session.id);
    await multi.exec();
  }

  /**
   * Ends the signed-in sessions a back-channel logout names (Back-Channel Logout 1.0 §2.7):
   * with a `sid`, the sessions of that idp session, and those of the same `sub` whose ID token
   * carried no `sid` (which idp session they belong to is unknown, so they go too); with only a
   * `sub`, every session of that citizen. A session of another `sub` is never ended by a token
   * naming a `sub`. Returns how many sessions ended.
   */
  async endSessionsOf({ sid, sub }: { sid?: string; sub?: string }): Promise<number> {
    const ids = new Set([
      ...(sid ? await this.redis.smembers(sidKey(sid)) : []),
      ...(sub ? await this.redis.smembers(subKey(sub)) : []),
    ]);
    let ended = 0;
    for (const id of ids) {
      const raw = await this.redis.get(key(id));
      const session = raw ? (JSON.parse(raw) as Session) : undefined;
      if (!session?.user) {
        // Expired meanwhile: only its index entries are left.
        if (sid) await this.redis.srem(sidKey(sid), id);
        if (sub) await this.redis.srem(subKey(sub), id);
        continue;
      }
      const { user } = session;
      if (sub && user.sub !== sub) continue;
      if (sid && user.sid !== undefined && user.sid !== sid) continue;
      await this.destroy(session);
      ended++;
    }
    return ended;
  }

  private ttlSeconds(session: Session): number {
    const untilAbsolute = Math.floor((session.expiresAt - this.now()) / 1000);
    return Math.min(this.lifetimes.idleSeconds, untilAbsolute);
  }
}
