import { QueueEvents } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../hub/payments/payment-model.js';
import { enqueueSettlement, SETTLE_LINE } from '../../hub/settlement/queue.js';
import { settleLine } from '../../hub/settlement/settle-line.js';
import { BILLERS, type Kind } from './billers.js';
import { ALL_THREE, type Harness, startHarness } from './harness.js';

const kindOf = (billerId: string) =>
  (Object.keys(BILLERS) as Kind[]).find((kind) => BILLERS[kind].billerId === billerId) as Kind;

/** How often the timeline shows each line entering `to`. */
const entries = (payment: Payment, to: string) =>
  payment.lines.map((line) => payment.timeline.filter((e) => e.lineId === line._id && e.to === to).length);

describe('duplicate and replayed settlement jobs', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('settle_dupes');
    h.startWorker();
  });

  afterEach(async () => {
    expect(await h.ledgerProblems()).toEqual([]);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('adds one job per line when a payment is enqueued twice, and posts each line once', async () => {
    const payment = await h.settlingPayment(ALL_THREE);
    const [first, second] = await Promise.all([
      enqueueSettlement(h.queue, payment),
      enqueueSettlement(h.queue, payment),
    ]);
    expect(second).toEqual(first);
    const done = await h.finished(payment._id);
    // Once more after the jobs finished: the kept jobs make it a no-op.
    await enqueueSettlement(h.queue, done);

    expect(done.status).toBe('completed');
    for (const line of done.lines) {
      expect(await h.billers.postings(kindOf(line.billerId), line.reference)).toBe(1);
      const job = await h.queue.getJob(line._id);
      expect(await job?.getState()).toBe('completed');
      expect(job?.attemptsMade).toBe(1);
    }
    expect(entries(done, 'posting')).toEqual([1, 1, 1]);
    expect(entries(done, 'settled')).toEqual([1, 1, 1]);
    expect(await h.queue.getJobCounts('waiting', 'delayed', 'active')).toEqual({ waiting: 0, delayed: 0, active: 0 });
  });

  it('posts, refunds and moves each line once when two runs of its job race', async () => {
    const payment = await h.settlingPayment([{ kind: 'electricity' }, { kind: 'gas', rejecting: true }]);
    const deps = h.lineDeps();
    const runs = payment.lines.flatMap((line) => {
      const run = { paymentId: payment._id, lineId: line._id, polls: 0, lastAttempt: false };
      return [settleLine(deps, run), settleLine(deps, run)];
    });
    const outcomes = await Promise.all(runs);

    expect(outcomes.map((o) => o.kind === 'final' && o.status)).toEqual(['settled', 'settled', 'refunded', 'refunded']);
    const done = (await h.payments.findById(payment._id)) as Payment;
    expect(done.status).toBe('partially_refunded');
    for (const line of done.lines) expect(await h.billers.postings(kindOf(line.billerId), line.reference)).toBe(1);
    expect(entries(done, 'posting')).toEqual([1, 1]);
    expect(entries(done, 'settled')).toEqual([1, 0]);
    expect(entries(done, 'failed')).toEqual([0, 1]);
    expect(entries(done, 'refunded')).toEqual([0, 1]);
    const refunded = done.lines.find((l) => l.status === 'refunded');
    expect((await h.gateway.client.getOrder(done.gateway.orderId as string)).refundedMinor).toBe(refunded?.amountMinor);
    expect(await h.ledger.forPayment(payment._id)).toHaveLength(3);
    expect(h.announced.filter((p) => p._id === payment._id)).toHaveLength(1);
  });

  it('changes nothing when a job for an already settled line runs again', async () => {
    const payment = await h.settle([{ kind: 'water' }]);
    const done = await h.finished(payment._id);
    const line = done.lines[0];
    if (!line) throw new Error('no line');
    const events = new QueueEvents(h.options.queueName, { connection: h.connect(), prefix: h.options.prefix });
    await events.waitUntilReady();
    try {
      const replay = await h.queue.add(
        SETTLE_LINE,
        { paymentId: payment._id, lineId: line._id },
        {
          jobId: `${line._id}-replay`,
        },
      );
      expect(await replay.waitUntilFinished(events, 10_000)).toBe('settled');
    } finally {
      await events.close();
    }

    const after = (await h.payments.findById(payment._id)) as Payment;
    expect(after.timeline).toHaveLength(done.timeline.length);
    expect(after.lines[0]).toEqual(line);
    expect(await h.ledger.forPayment(payment._id)).toHaveLength(2);
    expect(await h.billers.postings('water', line.reference)).toBe(1);
  });
});
