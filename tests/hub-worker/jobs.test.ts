import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settlementOptions } from '../../hub/settlement/options.js';
import { type SettlementQueue, settlementQueue } from '../../hub/settlement/queue.js';
import { checkHandlers, JOBS, upsertSchedules } from '../../hub/worker/jobs.js';
import { createRedis, type Redis } from '../../infra/redis.js';
import { redisUrl, uniqueName } from '../support/isolation.js';

const noop = async () => undefined;
const allHandlers = () => Object.fromEntries(Object.keys(JOBS).map((name) => [name, noop]));

describe('the worker is one visible list of jobs and schedules', () => {
  let redis: Redis;
  let queue: SettlementQueue;
  const prefix = uniqueName('worker_jobs');

  beforeAll(() => {
    redis = createRedis(redisUrl(), { forBlockingCommands: true });
    queue = settlementQueue(redis, { prefix });
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await queue?.close();
    await redis?.quit();
  });

  it('lists settle-payment, settle-line, status-enquiry, issue-receipt, notify, sweep, expire, reconcile-orders, reconcile, remind, the autopay and the complaint jobs', () => {
    expect(Object.keys(JOBS).sort()).toEqual(
      [
        'autopay-charge',
        'autopay-scan',
        'complaint-escalate',
        'complaint-follow-up',
        'expire',
        'issue-receipt',
        'notify',
        'reconcile',
        'reconcile-orders',
        'remind',
        'settle-line',
        'settle-payment',
        'status-enquiry',
        'sweep',
      ].sort(),
    );
  });

  it('refuses to start when a listed job has no handler, naming it', () => {
    expect(() => checkHandlers(allHandlers())).not.toThrow();
    const { sweep: _sweep, ...missing } = allHandlers();
    expect(() => checkHandlers(missing)).toThrow(/no handler for sweep/);
    expect(() => checkHandlers({ ...allHandlers(), autopay: noop })).toThrow(/autopay is not listed/);
  });

  it('puts periodic work on one job scheduler each, however many replicas start', async () => {
    const options = settlementOptions({ prefix, sweepEveryMs: 60_000, reconcileOrdersEveryMs: 0 });
    // Two replicas starting: the same scheduler ids, so one schedule each.
    const [first, second] = await Promise.all([upsertSchedules(queue, options), upsertSchedules(queue, options)]);
    expect(second).toEqual(first);
    const periodic = [
      'autopay-charge',
      'autopay-scan',
      'complaint-escalate',
      'complaint-follow-up',
      'expire',
      'reconcile',
      'remind',
      'status-enquiry',
      'sweep',
    ];
    expect(first.sort()).toEqual(periodic);

    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(periodic);
    expect(schedulers.find((s) => s.key === 'autopay-scan')).toMatchObject({ every: 3_600_000 });
    expect(schedulers.find((s) => s.key === 'sweep')).toMatchObject({ name: 'sweep', every: 60_000 });
    expect(schedulers.find((s) => s.key === 'reconcile')).toMatchObject({
      pattern: '0 30 0 * * *',
      tz: 'Asia/Kolkata',
    });

    // Switched off later: its scheduler goes.
    await upsertSchedules(queue, settlementOptions({ prefix, sweepEveryMs: 0, reconcileOrdersEveryMs: 0 }));
    expect((await queue.getJobSchedulers()).map((s) => s.key)).not.toContain('sweep');
  });
});
