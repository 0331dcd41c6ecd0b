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

/**
 * Marks a stored record used only if it exists and is not marked yet: 1 when this call marked
 * it, 0 when it already was, -1 when it is gone (HSETNX alone would recreate a deleted key).
 */
const CONSUME_ONCE = `
if redis.call('HEXISTS', KEYS[1], 'payload') == 0 then return -1 end
return redis.call('HSETNX', KEYS[1], 'consumed', ARGV[1])`;

/** Models whose records belong to a grant, so revoking the grant can find and delete them. */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);
/** Models the provider marks as used; kept as a hash so consume() is one field write. */
const CONSUMABLE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/**
 * oidc-provider storage in Redis: every artifact (sessions, interactions, grants, codes,
 * tokens, registered clients) expires with the TTL the provider gives it, and any idp
 * process behind a load balancer sees the same state.
 */
export function redisAdapterFactory(redis: Redis, prefix = 'oidc:') {
  const grantKey = (grantId: string) => `${prefix}grant:${grantId}`;
  const uidKey = (uid: string) => `${prefix}uid:${uid}`;
  const userCodeKey = (code: string) => `${prefix}userCode:${code}`;

  return class RedisAdapter implements Adapter {
    constructor(readonly name: string) {}

    private key(id: string): string {
      return `${prefix}${this.name}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const key = this.key(id);
      const multi = redis.multi();
      if (CONSUMABLE.has(this.name)) multi.hset(key, { payload: JSON.stringify(payload) });
      else multi.set(key, JSON.stringify(payload));
      if (expiresIn) multi.expire(key, expiresIn);

      if (GRANTABLE.has(this.name) && payload.grantId) {
        const grant = grantKey(payload.grantId);
        multi.rpush(grant, key);
        // The grant's index lives as long as its longest-lived member: NX sets a first expiry,
        // GT only ever extends it (Redis 7), with no TTL round trip before the write.
        if (expiresIn) multi.expire(grant, expiresIn, 'NX').expire(grant, expiresIn, 'GT');
      }
      if (payload.userCode) multi.set(userCodeKey(payload.userCode), id, 'EX', expiresIn);
      if (payload.uid) multi.set(uidKey(payload.uid), id, 'EX', expiresIn);
      await multi.exec();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const key = this.key(id);
      if (CONSUMABLE.has(this.name)) {
        const stored = await redis.hgetall(key);
        if (!stored.payload) return undefined;
        const payload = JSON.parse(stored.payload) as AdapterPayload;
        return stored.consumed ? { ...payload, consumed: Number(stored.consumed) } : payload;
      }
      const stored = await redis.get(key);
      return stored ? (JSON.parse(stored) as AdapterPayload) : undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = await redis.get(uidKey(uid));
      return id ? this.find(id) : undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = await redis.get(userCodeKey(userCode));
      return id ? this.find(id) : undefined;
    }

    /** Atomic check-and-set of the `consumed` mark (epoch seconds); throws ConsumedConcurrently if it lost. */
    async consume(id: string): Promise<void> {
      const marked = await redis.eval(CONSUME_ONCE, 1, this.key(id), Math.floor(Date.now() / 1000));
      if (marked !== 1) throw new ConsumedConcurrently(this.name);
    }

    async destroy(id: string): Promise<void> {
      await redis.del(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const grant = grantKey(grantId);
      const members = await redis.lrange(grant, 0, -1);
      await redis.del(...members, grant);
    }
  };
}
