import { afterAll, describe, expect, it } from 'vitest';
import {
  ConsumedConcurrently,
  inStorageScope,
  redisAdapterFactory,
  StorageScope,
} from '../../idp/provider/redis-adapter.js';
import { createRedis } from '../../infra/redis.js';
import { isolatedRedis, redisUrl, uniqueName } from '../support/isolation.js';

/**
 * The storage adapter alone, on its own key prefix. Index scores follow the adapter's clock,
 * which these tests move by hand; Redis TTLs stay real (and long enough not to matter here).
 */
describe('the idp storage adapter', () => {
  const redis = isolatedRedis();
  const prefix = `${uniqueName('adapter')}:`;
  const clock = { now: 1_800_000_000 };
  const Adapter = redisAdapterFactory(redis, { prefix, indexTtlSeconds: 3600, now: () => clock.now });
  const tokens = {
    RefreshToken: new Adapter('RefreshToken'),
    AccessToken: new Adapter('AccessToken'),
    AuthorizationCode: new Adapter('AuthorizationCode'),
    Session: new Adapter('Session'),
  };
  const indexKey = (grantId: string) => `${prefix}grantTokens:${grantId}`;
  const payload = (kind: string, jti: string, grantId?: string) => ({
    jti,
    kind,
    exp: clock.now + 60,
    ...(grantId ? { grantId } : {}),
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('lets exactly one of three simultaneous consume() calls mark a refresh token used', async () => {
    await tokens.RefreshToken.upsert('token-1', payload('RefreshToken', 'token-1'), 60);

    const outcomes = await Promise.allSettled([1, 2, 3].map(() => tokens.RefreshToken.consume('token-1')));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(ConsumedConcurrently);
    }
    expect((await tokens.RefreshToken.find('token-1'))?.consumed).toEqual(expect.any(Number));
  });

  it('a refresh token deleted after it was read cannot be marked used afterwards', async () => {
    await tokens.RefreshToken.upsert('revoked', payload('RefreshToken', 'revoked', 'grant-r'), 60);
    expect(await tokens.RefreshToken.find('revoked')).toBeDefined();
    // Revoked between the rotation's read and its consume(): the rotation must not go on.
    await tokens.RefreshToken.revokeByGrantId('grant-r');
    await expect(tokens.RefreshToken.consume('revoked')).rejects.toBeInstanceOf(ConsumedConcurrently);

    await tokens.RefreshToken.upsert('destroyed', payload('RefreshToken', 'destroyed'), 60);
    await tokens.RefreshToken.destroy('destroyed');
    await expect(tokens.RefreshToken.consume('destroyed')).rejects.toBeInstanceOf(ConsumedConcurrently);
  });

  it('a grant refreshed 1,000 times keeps an index no larger than its live tokens', async () => {
    const grantId = 'long-lived';
    const refreshSeconds = 30;
    const accessSeconds = 10;
    let previous: string | undefined;
    for (let rotation = 0; rotation < 1000; rotation++) {
      clock.now += 1;
      // One refresh: the old token marked used, a new refresh token and an access token.
      if (previous) await tokens.RefreshToken.consume(previous);
      const refresh = `rt-${rotation}`;
      await tokens.RefreshToken.upsert(refresh, payload('RefreshToken', refresh, grantId), refreshSeconds);
      await tokens.AccessToken.upsert(
        `at-${rotation}`,
        payload('AccessToken', `at-${rotation}`, grantId),
        accessSeconds,
      );
      previous = refresh;
    }
    const members = await redis.zrange(indexKey(grantId), 0, -1, 'WITHSCORES');
    const scores = members.filter((_, i) => i % 2 === 1).map(Number);
    // Live at the adapter's clock: the last 30 refresh tokens and the last 10 access tokens, of
    // the 2,000 written (and only those: the expired ones left with the writes that followed).
    expect(scores.every((exp) => exp > clock.now)).toBe(true);
    expect(scores).toHaveLength(refreshSeconds + accessSeconds);
    expect(await redis.ttl(indexKey(grantId))).toBeGreaterThan(0);

    // Revoking the grant still deletes every live token of it.
    await tokens.RefreshToken.revokeByGrantId(grantId);
    for (let rotation = 1000 - refreshSeconds + 1; rotation < 1000; rotation++) {
      expect(await tokens.RefreshToken.find(`rt-${rotation}`)).toBeUndefined();
    }
    for (let rotation = 1000 - accessSeconds + 1; rotation < 1000; rotation++) {
      expect(await tokens.AccessToken.find(`at-${rotation}`)).toBeUndefined();
    }
    expect(await redis.exists(indexKey(grantId))).toBe(0);
  });

  it('writes of one request held back by a batching scope go out together, and reads see them first', async () => {
    const scope = new StorageScope(true);
    await inStorageScope(scope, async () => {
      await tokens.AccessToken.upsert('batched-at', payload('AccessToken', 'batched-at', 'grant-b'), 60);
      await tokens.RefreshToken.upsert('batched-rt', payload('RefreshToken', 'batched-rt', 'grant-b'), 60);
      // Not in Redis yet, but this request reads what it wrote.
      expect(await redis.exists(`${prefix}AccessToken:batched-at`)).toBe(0);
      expect((await tokens.AccessToken.find('batched-at'))?.jti).toBe('batched-at');
    });
    await Adapter.flush(scope);
    expect((await tokens.RefreshToken.find('batched-rt'))?.jti).toBe('batched-rt');
    expect(await redis.zcard(indexKey('grant-b'))).toBe(2);
  });

  it('a request reads a record once, so a second read sees what the first saw', async () => {
    await tokens.RefreshToken.upsert('read-once', payload('RefreshToken', 'read-once'), 60);
    await inStorageScope(new StorageScope(false), async () => {
      expect((await tokens.RefreshToken.find('read-once'))?.consumed).toBeUndefined();
      // Another request consumes it meanwhile: this request still decides on its own read, and
      // its own consume() is what tells it that it lost.
      await redis.set(`${prefix}RefreshToken:read-once:consumed`, String(clock.now));
      expect((await tokens.RefreshToken.find('read-once'))?.consumed).toBeUndefined();
      await expect(tokens.RefreshToken.consume('read-once')).rejects.toBeInstanceOf(ConsumedConcurrently);
    });
  });

  it('finds a session by its uid with one read, and not once it is destroyed (sign-out), on a prefixed connection too', async () => {
    // The idp's connection prefixes every key (infra/service-runtime.ts); the copy must go as well.
    const prefixed = createRedis(redisUrl(), { keyPrefix: `${uniqueName('conn')}:` });
    try {
      for (const Sessions of [tokens.Session, new (redisAdapterFactory(prefixed, { prefix }))('Session')]) {
        const session = { ...payload('Session', 'session-1'), uid: 'uid-1', accountId: 'citizen' };
        await Sessions.upsert('session-1', session, 60);
        expect(await Sessions.findByUid('uid-1')).toMatchObject({ jti: 'session-1', accountId: 'citizen' });
        await Sessions.destroy('session-1');
        expect(await Sessions.findByUid('uid-1')).toBeUndefined();
        expect(await Sessions.find('session-1')).toBeUndefined();
      }
    } finally {
      await prefixed.quit();
    }
  });

  it('still reads, consumes and revokes records stored in the previous layout', async () => {
    // Hash records, a list as the grant's index, a uid key holding the session id.
    const code = `${prefix}AuthorizationCode:old-code`;
    await redis.hset(code, { payload: JSON.stringify(payload('AuthorizationCode', 'old-code', 'old-grant')) });
    await redis.expire(code, 60);
    await redis.rpush(`${prefix}grant:old-grant`, code);
    await redis.set(`${prefix}Session:old-session`, JSON.stringify({ ...payload('Session', 'old-session') }));
    await redis.set(`${prefix}uid:old-uid`, 'old-session');

    expect((await tokens.AuthorizationCode.find('old-code'))?.jti).toBe('old-code');
    expect((await tokens.Session.findByUid('old-uid'))?.jti).toBe('old-session');
    await tokens.AuthorizationCode.consume('old-code');
    await expect(tokens.AuthorizationCode.consume('old-code')).rejects.toBeInstanceOf(ConsumedConcurrently);

    await tokens.AuthorizationCode.revokeByGrantId('old-grant');
    expect(await tokens.AuthorizationCode.find('old-code')).toBeUndefined();
    expect(await redis.exists(`${prefix}grant:old-grant`)).toBe(0);
  });
});
