import { AsyncLocalStorage } from 'node:async_hooks';
import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';
import type { Redis } from '../../infra/redis.js';

/**
 * Thrown by consume() when another request marked the record used first (or it is gone). The
 * provider checks `consumed` when it reads the record and marks it later, so two simultaneous
 * requests can both read it unused: only the one whose mark lands first may go on. An
 * `invalid_grant` if nothing catches it; the refresh grant (refresh-rotation.ts) turns it into
 * the winner's answer.
 */
export class ConsumedConcurrently extends errors.InvalidGrant {
  constructor(model: string) {
    super(`${model} was used by a simultaneous request`);
  }
}

/** Models whose records belong to a grant, so revoking the grant can find and delete them. */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);
/** Models the provider marks as used (consume()); their mark is a key of its own beside the record. */
const CONSUMABLE = new Set([
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PushedAuthorizationRequest',
  'PreAuthorizedCode',
]);

/**
 * Records the token endpoint exchanges: reading one, the provider goes on to read its Grant and,
 * for a token that ends with the session, the session by uid (oidc-provider's validateGrant and
 * checkSessionBinding). Within a storage scope those two are read together, with one MGET, as
 * soon as the token's payload names them.
 */
const EXCHANGED = new Set(['AuthorizationCode', 'RefreshToken']);

/** Suffix of a consumable record's mark: epoch seconds of its use, or GONE once it was deleted. */
const MARK = ':consumed';
/**
 * Written as the mark of a deleted consumable record, so that a request that read the record just
 * before the delete cannot mark it used afterwards and go on (a revoked refresh token must not
 * rotate). It only has to outlive such a request, which ends within seconds.
 */
const GONE = 'gone';
const GONE_SECONDS = 600;

/** A 14-day default: the longest-lived token of a grant (refresh token, session) by default. */
const DEFAULT_INDEX_TTL_SECONDS = 14 * 24 * 3600;

// Deletes a session and the copy kept under its uid (see upsert), whose name is in the payload.
// KEYS[1] is the session's key as sent (with any connection prefix), ARGV[1] the same key without
// it, ARGV[2] the uid keys' name without it: the prefix is what KEYS[1] has in front of ARGV[1].
const destroySessionScript = `
local stored = redis.call('GET', KEYS[1])
redis.call('DEL', KEYS[1])
if not stored then return 0 end
local ok, payload = pcall(cjson.decode, stored)
if ok and type(payload) == 'table' and type(payload.uid) == 'string' then
  local connection = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[1])
  redis.call('DEL', connection .. ARGV[2] .. payload.uid)
end
return 1`;

/** A write of one record (and its grant index entry), kept until the request's writes go out together. */
interface PendingWrite {
  key: string;
  value: string;
  expiresIn: number;
  index?: { key: string; member: string; exp: number };
}

/**
 * What one HTTP request has read and (at the token endpoint) not yet written. Reads are
 * remembered so that a record read twice in one request (oidc-provider reads a refresh token
 * twice around our rotation check, and its session twice) is read once and is the same both
 * times; writes of a batching scope go out together (one round trip) when the request has its answer.
 */
export class StorageScope {
  /** Raw stored values by Redis key; null = known absent. */
  readonly reads = new Map<string, string | null>();
  readonly writes: PendingWrite[] = [];
  /** More commands sent with the writes (e.g. the refresh answer cache). */
  readonly extra: (() => Promise<unknown>)[] = [];
  constructor(readonly batchWrites: boolean) {}
}

const scopes = new AsyncLocalStorage<StorageScope>();

/** Runs `fn` with its own StorageScope (reads remembered; writes held back when `batchWrites`). */
export function inStorageScope<T>(scope: StorageScope, fn: () => Promise<T>): Promise<T> {
  return scopes.run(scope, fn);
}

/** The scope of the current request, if it runs in one. */
export function currentStorageScope(): StorageScope | undefined {
  return scopes.getStore();
}

/**
 * Seeds the current scope with values read elsewhere in one round trip (the interaction pages
 * read the provider's Interaction together with their own state), so the adapter does not read
 * them again. Outside a scope it does nothing.
 */
export function rememberReads(values: Iterable<[key: string, value: string | null]>): void {
  const scope = scopes.getStore();
  if (!scope) return;
  for (const [key, value] of values) scope.reads.set(key, value);
}

export interface RedisAdapterOptions {
  /** Prefix of every key the adapter writes; default 'oidc:'. */
  prefix?: string;
  /**
   * How long a grant's token index lives after its last write (seconds): at least the lifetime
   * of the longest-lived token of a grant, so the index never expires before one of its tokens.
   * A write with a longer lifetime extends it to that lifetime.
   */
  indexTtlSeconds?: number;
  /** Clock in epoch seconds for index scores (tests move it); Redis TTLs use Redis' own clock. */
  now?: () => number;
}

/** Storage keys of the adapter, shared with code that reads its records in one round trip with its own. */
export function adapterKey(model: string, id: string, prefix = 'oidc:'): string {
  return `${prefix}${model}:${id}`;
}

/**
 * oidc-provider storage in Redis: every artifact (sessions, interactions, grants, codes,
 * tokens, registered clients) expires with the TTL the provider gives it, and any idp
 * process behind a load balancer sees the same state. Layout, chosen for few commands:
 * - a record is a JSON string written with SET ... EX (one command, never without its TTL);
 * - a consumable record's use is a second key `<record>:consumed` set with SET NX, so exactly one
 *   request marks it; deleting the record leaves a GONE mark so a request that read it before the
 *   delete cannot mark it afterwards;
 * - a session is also kept whole under `uid:<uid>`, which is how tokens find it (one GET);
 * - a grant's tokens are in a sorted set scored by expiry: each write adds its tokens and drops
 *   the expired ones in the same round trip, so the index holds no more than the grant's live
 *   tokens however often its refresh token rotates.
 * Records of the previous layout (hashes, a list per grant, uid keys holding the session id) are
 * still read, consumed and revoked.
 */
export function redisAdapterFactory(redis: Redis, prefixOrOptions: string | RedisAdapterOptions = {}) {
  const options = typeof prefixOrOptions === 'string' ? { prefix: prefixOrOptions } : prefixOrOptions;
  const prefix = options.prefix ?? 'oidc:';
  const indexTtl = options.indexTtlSeconds ?? DEFAULT_INDEX_TTL_SECONDS;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const indexKey = (grantId: string) => `${prefix}grantTokens:${grantId}`;
  const legacyIndexKey = (grantId: string) => `${prefix}grant:${grantId}`;
  const uidKey = (uid: string) => `${prefix}uid:${uid}`;
  const userCodeKey = (code: string) => `${prefix}userCode:${code}`;
  const modelOfKey = (key: string) => key.slice(prefix.length, key.indexOf(':', prefix.length));

  /**
   * Sends the commands of some writes; the index entries of a batch are merged per grant. The
   * commands leave in one write to the socket (auto-pipelining, infra/redis.ts): one round trip.
   */
  function sendWrites(writes: PendingWrite[]): Promise<unknown>[] {
    const sent: Promise<unknown>[] = [];
    const indexes = new Map<string, { members: (string | number)[]; ttl: number }>();
    for (const { key, value, expiresIn, index } of writes) {
      sent.push(expiresIn ? redis.set(key, value, 'EX', expiresIn) : redis.set(key, value));
      if (!index) continue;
      const entry = indexes.get(index.key) ?? { members: [], ttl: indexTtl };
      entry.members.push(index.exp, index.member);
      entry.ttl = Math.max(entry.ttl, expiresIn);
      indexes.set(index.key, entry);
    }
    for (const [key, { members, ttl }] of indexes) {
      sent.push(redis.zadd(key, ...members));
      // Expired tokens leave the index on every write, in the same round trip.
      sent.push(redis.zremrangebyscore(key, '-inf', now()));
      sent.push(redis.expire(key, ttl));
    }
    return sent;
  }

  /** Sends the writes a batching scope held back, and its extra commands, together. */
  async function flush(scope: StorageScope): Promise<void> {
    const sent = sendWrites(scope.writes.splice(0));
    for (const send of scope.extra.splice(0)) sent.push(send());
    await Promise.all(sent);
  }

  /**
   * Reads into `scope`, in one MGET, the records the provider reads next after an exchanged token
   * (EXCHANGED): its Grant and, when it ends with the session, the session under its uid. Keys the
   * scope knows already are not read again. Two GETs in two round trips become one command.
   */
  async function prefetchFor(scope: StorageScope, payload: AdapterPayload): Promise<void> {
    const keys: string[] = [];
    if (typeof payload.grantId === 'string') keys.push(adapterKey('Grant', payload.grantId, prefix));
    if (payload.expiresWithSession && typeof payload.sessionUid === 'string') keys.push(uidKey(payload.sessionUid));
    const missing = keys.filter((key) => !scope.reads.has(key));
    if (!missing.length) return;
    const values = await redis.mget(...missing);
    missing.forEach((key, i) => {
      scope.reads.set(key, values[i] ?? null);
    });
  }

  async function read(key: string): Promise<string | null> {
    const scope = scopes.getStore();
    if (scope?.reads.has(key)) return scope.reads.get(key) ?? null;
    const value = await redis.get(key);
    scope?.reads.set(key, value);
    return value;
  }

  return class RedisAdapter implements Adapter {
    /** Sends what a batching scope held back (see StorageScope); call when the request has its answer. */
    static flush = flush;

    constructor(readonly name: string) {}

    private key(id: string): string {
      return adapterKey(this.name, id, prefix);
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const key = this.key(id);
      const value = JSON.stringify(payload);
      const writes: PendingWrite[] = [{ key, value, expiresIn }];
      if (GRANTABLE.has(this.name) && payload.grantId) {
        const exp = expiresIn ? now() + expiresIn : Number.MAX_SAFE_INTEGER;
        (writes[0] as PendingWrite).index = { key: indexKey(payload.grantId), member: key, exp };
      }
      // The whole session under its uid: tokens bound to it find it with one read.
      if (this.name === 'Session' && payload.uid) writes.push({ key: uidKey(payload.uid), value, expiresIn });
      if (payload.userCode) writes.push({ key: userCodeKey(payload.userCode), value: id, expiresIn });

      const scope = scopes.getStore();
      for (const write of writes) scope?.reads.set(write.key, write.value);
      // A record saved again keeps the mark this request read; a new one has none.
      if (CONSUMABLE.has(this.name) && !scope?.reads.has(key + MARK)) scope?.reads.set(key + MARK, null);
      if (scope?.batchWrites) {
        scope.writes.push(...writes);
        return;
      }
      await Promise.all(sendWrites(writes));
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const key = this.key(id);
      if (!CONSUMABLE.has(this.name)) {
        const stored = await read(key);
        return stored ? (JSON.parse(stored) as AdapterPayload) : undefined;
      }
      const scope = scopes.getStore();
      let stored: string | null | undefined;
      let mark: string | null | undefined;
      const known = scope?.reads.has(key) && scope.reads.has(key + MARK);
      if (known) {
        stored = scope?.reads.get(key);
        mark = scope?.reads.get(key + MARK);
      } else {
        [stored, mark] = await redis.mget(key, key + MARK);
        scope?.reads.set(key, stored ?? null);
        scope?.reads.set(key + MARK, mark ?? null);
      }
      if (!stored) return this.findLegacy(key);
      const payload = JSON.parse(stored) as AdapterPayload;
      if (!known && scope && EXCHANGED.has(this.name)) await prefetchFor(scope, payload);
      return mark && mark !== GONE ? { ...payload, consumed: Number(mark) } : payload;
    }

    /** A consumable record of the previous layout: a hash of `payload` and `consumed`. */
    private async findLegacy(key: string): Promise<AdapterPayload | undefined> {
      const stored = await redis.hgetall(key).catch(() => ({}) as Record<string, string>);
      if (!stored.payload) return undefined;
      const payload = JSON.parse(stored.payload) as AdapterPayload;
      return stored.consumed ? { ...payload, consumed: Number(stored.consumed) } : payload;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const stored = await read(uidKey(uid));
      if (!stored) return undefined;
      // The previous layout kept the session's id there.
      return stored.startsWith('{') ? (JSON.parse(stored) as AdapterPayload) : this.find(stored);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = await read(userCodeKey(userCode));
      return id ? this.find(id) : undefined;
    }

    /**
     * Marks the record used (epoch seconds) with one SET NX: exactly one caller wins. Throws
     * ConsumedConcurrently when it was marked already, or deleted since it was read (GONE).
     */
    async consume(id: string): Promise<void> {
      const key = this.key(id);
      const at = now();
      const seconds = await this.remainingSeconds(key, at);
      const mark = seconds && (await redis.set(key + MARK, String(at), 'EX', seconds, 'NX'));
      if (mark !== 'OK') throw new ConsumedConcurrently(this.name);
      scopes.getStore()?.reads.set(key + MARK, String(at));
    }

    /**
     * How long a record has left (at least 1 s): its mark must live as long as it does, so that a
     * later read still sees it used. Known from this request's read of it, else asked of Redis;
     * undefined when it is gone.
     */
    private async remainingSeconds(key: string, at: number): Promise<number | undefined> {
      const stored = scopes.getStore()?.reads.get(key);
      const exp = stored ? (JSON.parse(stored) as AdapterPayload).exp : undefined;
      if (typeof exp === 'number') return Math.max(exp - at, 1);
      const ttl = await redis.ttl(key);
      if (ttl === -2) return undefined;
      return ttl > 0 ? ttl : indexTtl;
    }

    async destroy(id: string): Promise<void> {
      const key = this.key(id);
      const scope = scopes.getStore();
      scope?.reads.set(key, null);
      if (this.name === 'Session') {
        await redis.eval(destroySessionScript, 1, key, key, `${prefix}uid:`);
        return;
      }
      if (!CONSUMABLE.has(this.name)) {
        await redis.del(key);
        return;
      }
      scope?.reads.set(key + MARK, GONE);
      await Promise.all([redis.del(key), redis.set(key + MARK, GONE, 'EX', GONE_SECONDS)]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const index = indexKey(grantId);
      const legacy = legacyIndexKey(grantId);
      const [members, legacyMembers] = await Promise.all([redis.zrange(index, 0, -1), redis.lrange(legacy, 0, -1)]);
      const keys = [...new Set([...members, ...legacyMembers])];
      const sent: Promise<unknown>[] = [];
      if (keys.length) sent.push(redis.del(...keys));
      for (const key of keys) {
        if (CONSUMABLE.has(modelOfKey(key))) sent.push(redis.set(key + MARK, GONE, 'EX', GONE_SECONDS));
      }
      sent.push(redis.del(index, legacy));
      await Promise.all(sent);
      const scope = scopes.getStore();
      for (const key of keys) scope?.reads.set(key, null);
    }
  };
}
