import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../hub/payments/payment-model.js';
import { enqueueSettlement } from '../../hub/settlement/queue.js';
import { sweepStuckWork } from '../../hub/settlement/sweeper.js';
import { createLogger } from '../../infra/logger.js';
import { BILLERS, kindOf } from './billers.js';
import { ALL_THREE, type Harness, startHarness, waitFor } from './harness.js';
import { spawnWorker, stopWorker } from './support/spawn-worker.js';

const SLOW_MS = 2_500;

/** The worker process, on this file's Mongo database, Redis prefix, sandboxes and gateway. */
const startWorkerProcess = (h: Harness) =>
  spawnWorker(h, {
    SETTLEMENT_CONCURRENCY: '3',
    // A short lock and stall check, so the job of the killed worker is taken back within a second or
    // two. Every worker must check as often: a check holds off the others for its own interval.
    SETTLEMENT_LOCK_MS: '1000',
    SETTLEMENT_STALLED_CHECK_MS: '200',
    SETTLEMENT_SWEEP_EVERY_MS: '0',
  });

describe('crash recovery', () => {
  let h: Harness;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    h = await startHarness('settle_crash');
  });

  afterEach(async () => {
    if (child) await stopWorker(child, 'SIGKILL');
    await h.billers.resetFaults();
    expect(await h.ledgerProblems()).toEqual([]);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('settles every line exactly once after a worker process is killed while a line is posting', async () => {
    const payment = await h.settlingPayment(ALL_THREE);
    const slow = payment.lines.find((l) => l.billerId === BILLERS.electricity.billerId);
    if (!slow) throw new Error('no electricity line');
    await h.billers.fault('electricity', BILLERS.electricity.known, { kind: 'latency', ms: SLOW_MS });
    child = await startWorkerProcess(h);
    await enqueueSettlement(h.queue, payment);

    // The attempt is counted just before the call: from then on the posting is in the biller's hands.
    await waitFor('the electricity line to be posting at the biller', async () => {
      const line = (await h.payments.findById(payment._id))?.lines.find((l) => l._id === slow._id);
      return line?.status === 'posting' && line.attempts === 1;
    });
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGKILL');
    await once(child, 'exit');
    const atCrash = (await h.payments.findById(payment._id)) as Payment;
    expect(atCrash.status).toBe('settling');
    expect(atCrash.lines.find((l) => l._id === slow._id)?.status).toBe('posting');

    // A new worker and the sweeper: the dead worker's job comes back once its lock lapses, and the
    // sweeper re-enqueues whatever else the crash left open.
    await h.billers.resetFaults();
    h.startWorker({ stalledIntervalMs: 200 });
    const report = await sweepStuckWork(
      { payments: h.payments, ledger: h.ledger, queue: h.queue, log: createLogger('sweep', 'silent') },
      { olderThanMs: 0 },
    );
    expect(report.errors).toBe(0);
    const done = await h.finished(payment._id, 20_000);
    // The request the dead worker left at the slow biller has landed by now: the count includes it.
    await new Promise((r) => setTimeout(r, Math.max(0, SLOW_MS - 1_000)));

    expect(done.status).toBe('completed');
    for (const line of done.lines) {
      expect(line.status).toBe('settled');
      expect(await h.billers.postings(kindOf(line.billerId), line.reference)).toBe(1);
      expect(done.timeline.filter((e) => e.lineId === line._id && e.to === 'settled')).toHaveLength(1);
    }
    // Posted twice under one reference, before and after the crash; the biller kept one posting.
    expect(done.lines.find((l) => l._id === slow._id)?.attempts).toBe(2);
    expect((await h.gateway.client.getOrder(done.gateway.orderId as string)).refundedMinor).toBe(0);
  });
});
