import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueSettlement } from '../../hub/settlement/queue.js';
import { JOBS } from '../../hub/worker/jobs.js';
import { kindOf } from '../hub-settlement/billers.js';
import { ALL_THREE, type Harness, startHarness, waitFor } from '../hub-settlement/harness.js';
import { spawnWorker, stopWorker } from '../hub-settlement/support/spawn-worker.js';

const PAYMENTS = 8;

/**
 * One worker process on the harness's database, queue prefix, sandboxes and gateway: what one
 * replica of `docker compose up --scale worker=2` runs (its own process, the same Redis and Mongo).
 */
const startReplica = (h: Harness) => spawnWorker(h, { SETTLEMENT_CONCURRENCY: '2' });

describe('two worker processes on one queue', () => {
  let h: Harness;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    h = await startHarness('settle_scale');
  });

  afterAll(async () => {
    for (const child of children) await stopWorker(child, 'SIGTERM');
    await h?.close();
  });

  it('settle every line exactly once, with one job scheduler per scheduled job', async () => {
    const payments = await Promise.all(Array.from({ length: PAYMENTS }, () => h.settlingPayment(ALL_THREE)));
    // Both replicas start (each upserts the same schedulers), then the work is queued for them.
    children.push(...(await Promise.all([startReplica(h), startReplica(h)])));
    for (const payment of payments) await enqueueSettlement(h.queue, payment);

    const done = await Promise.all(payments.map((p) => h.finished(p._id, 60_000)));
    for (const payment of done) {
      expect(payment.status).toBe('completed');
      for (const line of payment.lines) {
        expect(line.status).toBe('settled');
        // One posting at the biller and one settled transition: no double work.
        expect(await h.billers.postings(kindOf(line.billerId), line.reference)).toBe(1);
        expect(payment.timeline.filter((e) => e.lineId === line._id && e.to === 'settled')).toHaveLength(1);
      }
    }
    expect(await h.ledgerProblems()).toEqual([]);
    // No job lost or left failed.
    const counts = await waitFor('the queue to be empty', async () => {
      const c = await h.queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
      return (c.waiting ?? 0) + (c.active ?? 0) + (c.failed ?? 0) === 0 ? c : undefined;
    });
    expect(counts.failed).toBe(0);
    // Periodic work runs on BullMQ job schedulers: two replicas upserted the same ids, so each
    // scheduled job exists once and runs once per period across both.
    const schedulers = await h.queue.getJobSchedulers(0, -1);
    const ids = schedulers.map((s) => s.key);
    expect(new Set(ids).size).toBe(ids.length);
    const scheduled = Object.entries(JOBS).filter(([, job]) => 'schedule' in job).length;
    expect(ids.length).toBeLessThanOrEqual(scheduled);
    expect(ids.length).toBeGreaterThan(0);
  });
});
