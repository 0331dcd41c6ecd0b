import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { MetricsReport } from '../../hub/metrics/report.js';
import { type Reports, sharedReports } from '../../hub/metrics/shared-reports.js';
import { createRedis } from '../../infra/redis.js';

const redis = createRedis(inject('redisUrl'));
afterAll(() => redis.quit());

/** A computation that waits for `release()`, counting its calls; its reports name the call. */
function heldComputation() {
  let calls = 0;
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const compute = async (): Promise<Reports> => {
    const call = ++calls;
    await gate;
    return new Map([['24h', { window: '24h', from: 'a', to: `call ${call}` } as unknown as MetricsReport]]);
  };
  return { compute, release: () => release(), calls: () => calls };
}

describe('the payment metrics shared by every hub process (shared-reports.ts)', () => {
  it('two processes asking at once read MongoDB once, and both get that answer', async () => {
    const key = `test:metrics:${randomUUID()}`;
    const held = heldComputation();
    // Two processes: each its own sharedReports over the same Redis key.
    const first = sharedReports(redis, key, held.compute, { ttlMs: 60_000, pollMs: 10 });
    const second = sharedReports(redis, key, held.compute, { ttlMs: 60_000, pollMs: 10 });
    const answers = Promise.all([first(), second()]);
    // Both have asked before the computation ends (the lock is taken).
    while (!(await redis.exists(`${key}:computing`))) await new Promise((r) => setTimeout(r, 5));
    held.release();
    const [a, b] = await answers;
    expect(held.calls()).toBe(1);
    expect(b).toEqual(a);
    expect(a.get('24h')?.to).toBe('call 1');
    // Within the period a third asks nobody; once the stored answer is gone, it computes again.
    expect((await second()).get('24h')?.to).toBe('call 1');
    expect(held.calls()).toBe(1);
    await redis.del(key);
    expect((await first()).get('24h')?.to).toBe('call 2');
    expect(await redis.pttl(key)).toBeGreaterThan(0);
  });

  it('a failed computation stores nothing, frees the lock, and the waiting process computes itself', async () => {
    const key = `test:metrics:${randomUUID()}`;
    let fail: (error: Error) => void = () => {};
    const failing = () =>
      new Promise<Reports>((_, reject) => {
        fail = reject;
      });
    const fallback = heldComputation();
    fallback.release();
    const first = sharedReports(redis, key, failing, { ttlMs: 60_000, pollMs: 10 });
    const second = sharedReports(redis, key, fallback.compute, { ttlMs: 60_000, pollMs: 10 });
    const failed = first().catch((error: Error) => error);
    while (!(await redis.exists(`${key}:computing`))) await new Promise((r) => setTimeout(r, 5));
    const waiting = second();
    fail(new Error('the database is down'));
    expect(((await failed) as Error).message).toBe('the database is down');
    expect((await waiting).get('24h')?.to).toBe('call 1');
    expect(fallback.calls()).toBe(1);
    expect(await redis.exists(`${key}:computing`)).toBe(0);
  });
});
