import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SessionStore } from '../../hub/portal/session/session-store.js';
import { createRedis, type Redis } from '../../infra/redis.js';
import { uniqueName } from '../support/isolation.js';

let redis: Redis;
let now = Date.UTC(2026, 10, 30, 9, 0, 0);
const clock = () => now;
beforeAll(() => {
  redis = createRedis(inject('redisUrl'), { keyPrefix: `${uniqueName('sessions')}:` });
});
afterAll(async () => {
  await redis?.quit();
});

describe('portal sessions in Redis', () => {
  const lifetimes = { idleSeconds: 1_800, absoluteSeconds: 43_200 };

  it('a session lives idle for at most the idle lifetime (its key’s TTL)', async () => {
    const store = new SessionStore(redis, lifetimes, clock);
    const session = store.create();
    await store.save(session);
    const ttl = await redis.ttl(`portal:session:${session.id}`);
    expect(ttl).toBeGreaterThan(1_700);
    expect(ttl).toBeLessThanOrEqual(1_800);
  });

  it('a session past its absolute lifetime is gone, however busy it was', async () => {
    const store = new SessionStore(redis, lifetimes, clock);
    const session = store.create();
    await store.save(session);
    now += 43_200_000 - 60_000;
    expect(await store.load(session.id)).toBeDefined();
    // Near the end the idle TTL never reaches past the absolute end.
    await store.touch(session);
    expect(await redis.ttl(`portal:session:${session.id}`)).toBeLessThanOrEqual(60);
    now += 60_000;
    expect(await store.load(session.id)).toBeUndefined();
    expect(await redis.exists(`portal:session:${session.id}`)).toBe(0);
  });

  it('ids are 256 random bits, and a malformed cookie value is never looked up', async () => {
    const store = new SessionStore(redis, lifetimes, clock);
    const ids = new Set(Array.from({ length: 100 }, () => store.create().id));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await store.load('../../etc')).toBeUndefined();
    expect(await store.load(undefined)).toBeUndefined();
  });

  it('a logout of an idp session ends its sessions and the same citizen’s sessions with no sid, not others', async () => {
    const store = new SessionStore(redis, lifetimes, clock);
    const make = async (sub: string, sid?: string) => {
      const session = { ...store.create(), user: { sub, ...(sid ? { sid } : {}) } };
      await store.save(session);
      return session.id;
    };
    const mine = await make('citizen-a', 'sid-1');
    const mineNoSid = await make('citizen-a');
    const mineOtherIdpSession = await make('citizen-a', 'sid-2');
    const theirs = await make('citizen-b', 'sid-3');
    expect(await store.endSessionsOf({ sid: 'sid-1', sub: 'citizen-a' })).toBe(2);
    expect(await store.load(mine)).toBeUndefined();
    expect(await store.load(mineNoSid)).toBeUndefined();
    expect(await store.load(mineOtherIdpSession)).toBeDefined();
    expect(await store.load(theirs)).toBeDefined();
    expect(await store.endSessionsOf({ sub: 'citizen-a' })).toBe(1);
    expect(await store.load(theirs)).toBeDefined();
  });

  it('a session saved late never shortens the logout index of a longer-lived one', async () => {
    const store = new SessionStore(redis, lifetimes, clock);
    const older = { ...store.create(), user: { sub: 'citizen-c' } };
    now += 3_600_000;
    const newer = { ...store.create(), user: { sub: 'citizen-c' } };
    await store.save(newer);
    await store.save(older);
    expect(await redis.ttl('portal:sub:citizen-c')).toBeGreaterThan(43_000);
  });
});
