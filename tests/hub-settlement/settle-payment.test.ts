import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../hub/payments/payment-model.js';
import { enqueueSettlement, handOverLine, paymentJobId } from '../../hub/settlement/queue.js';
import { type HandOverStart, settlePayment } from '../../hub/settlement/settle-payment.js';
import { BILLERS, kindOf } from './billers.js';
import { countWrites } from './count-writes.js';
import { ALL_THREE, type Harness, type LineSpec, startHarness, TEST_OPTIONS } from './harness.js';

const COLLECTIONS = ['payments', 'ledger_transactions'];

describe('settle-payment: the first round of a captured payment, all lines at once', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('settle_payment');
  });

  afterEach(async () => {
    await h.billers.resetFaults();
    expect(await h.ledgerProblems()).toEqual([]);
  });

  afterAll(async () => {
    await h?.close();
  });

  /** Captured and moved to settling as the capture does it: every line posting, its post counted. */
  async function captured(specs: LineSpec[]): Promise<Payment> {
    const payment = await h.capturedPayment(specs);
    const settling = await h.payments.startSettling(payment, 'settlement.started');
    if (!settling) throw new Error('settling failed in the test');
    return settling;
  }

  /** A hand-over that only records what it was given. */
  function recorder() {
    const handed: { lineId: string; start: HandOverStart }[] = [];
    return {
      handed,
      handOver: async (_paymentId: string, lineId: string, start: HandOverStart) => void handed.push({ lineId, start }),
    };
  }

  /** Adds each handed-over line's job as the worker's hand-over does (handOverLine), then runs them to the payment's end. */
  async function runHandedOver(
    paymentId: string,
    handed: { lineId: string; start: HandOverStart }[],
  ): Promise<Payment> {
    const handOver = handOverLine(h.queue);
    for (const { lineId, start } of handed) await handOver(paymentId, lineId, start);
    const worker = h.startWorker();
    try {
      return await h.finished(paymentId);
    } finally {
      await worker.close();
    }
  }

  const lineOf = (payment: Payment, kind: string) => {
    const line = payment.lines.find((l) => kindOf(l.billerId) === kind);
    if (!line) throw new Error(`no ${kind} line`);
    return line;
  };

  it('settles a 3-bill payment whose billers all accept in two writes: the ledger insert, then every line and the completion in one update', async () => {
    const settling = await captured(ALL_THREE);
    const { handed, handOver } = recorder();
    const announcedBefore = h.announced.length;
    const { result, writes } = await countWrites(COLLECTIONS, () =>
      settlePayment(h.lineDeps(), { paymentId: settling._id, firstRun: true }, handOver),
    );

    expect(writes).toEqual(['ledger_transactions.insertMany', 'payments.findOneAndUpdate']);
    expect(result).toEqual({ status: 'completed', settled: settling.lines.map((l) => l._id), handedOver: [] });
    expect(handed).toEqual([]);
    const done = (await h.payments.findById(settling._id)) as Payment;
    expect(done.status).toBe('completed');
    expect(done.lines.map((l) => [l.status, l.attempts, typeof l.billerReference])).toEqual(
      ALL_THREE.map(() => ['settled', 1, 'string']),
    );
    expect(done.timeline.slice(-4).map((e) => [e.event, e.from, e.to, e.lineId])).toEqual([
      ...settling.lines.map((l) => ['settlement.settled', 'posting', 'settled', l._id]),
      ['payment.completed', 'settling', 'completed', undefined],
    ]);
    expect((await h.ledger.forPayment(settling._id)).map((t) => t.kind)).toEqual([
      'capture',
      'settlement',
      'settlement',
      'settlement',
    ]);
    for (const line of done.lines) expect(await h.billers.postings(kindOf(line.billerId), line.reference)).toBe(1);
    expect(h.announced.slice(announcedBefore).map((p) => [p._id, p.status])).toEqual([[settling._id, 'completed']]);
  });

  it('settles the accepted lines in one update and hands a refused line to its job, failed, which refunds it', async () => {
    const settling = await captured([{ kind: 'electricity' }, { kind: 'water', rejecting: true }, { kind: 'gas' }]);
    const { handed, handOver } = recorder();
    const { result, writes } = await countWrites(COLLECTIONS, () =>
      settlePayment(h.lineDeps(), { paymentId: settling._id, firstRun: true }, handOver),
    );
    const water = lineOf(settling, 'water');
    expect(result.status).toBe('settling');
    expect(result.settled).toEqual([lineOf(settling, 'electricity')._id, lineOf(settling, 'gas')._id]);
    expect(handed).toEqual([{ lineId: water._id, start: {} }]);
    // The two accepted lines in one update, the refusal in its own transition; no ledger yet.
    expect(writes).toEqual(['payments.findOneAndUpdate', 'payments.findOneAndUpdate']);
    const after = (await h.payments.findById(settling._id)) as Payment;
    expect(after.lines.map((l) => [kindOf(l.billerId), l.status])).toEqual([
      ['electricity', 'settled'],
      ['water', 'failed'],
      ['gas', 'settled'],
    ]);

    // Its job, as the hand-over adds it, refunds it, books the ledger and finishes the payment.
    const done = await runHandedOver(settling._id, handed);
    expect(done.status).toBe('partially_refunded');
    expect((await h.ledger.forPayment(settling._id)).map((t) => t.kind).sort()).toEqual([
      'capture',
      'refund',
      'settlement',
      'settlement',
    ]);
  });

  it('hands a pending line over with one poll counted after the poll delay, and an unavailable biller after the backoff', async () => {
    // Pending for a while after the post: the sandbox accepts it once that has passed.
    await h.billers.fault('gas', BILLERS.gas.known, { kind: 'pending_then_accept', ms: 450 });
    await h.billers.fault('electricity', BILLERS.electricity.known, { kind: 'error_5xx', times: 1_000 });
    const settling = await captured(ALL_THREE);
    const { handed, handOver } = recorder();
    const result = await settlePayment(h.lineDeps(), { paymentId: settling._id, firstRun: true }, handOver);

    expect(result.settled).toEqual([lineOf(settling, 'water')._id]);
    expect(handed).toEqual([
      { lineId: lineOf(settling, 'electricity')._id, start: { delayMs: TEST_OPTIONS.backoffMs } },
      { lineId: lineOf(settling, 'gas')._id, start: { polls: 1, delayMs: TEST_OPTIONS.pollDelayMs } },
    ]);
    const after = (await h.payments.findById(settling._id)) as Payment;
    // Neither answer moves the line: both stay posting for their jobs, with the one post counted.
    expect(after.lines.map((l) => [kindOf(l.billerId), l.status, l.attempts])).toEqual([
      ['electricity', 'posting', 1],
      ['water', 'settled', 1],
      ['gas', 'posting', 1],
    ]);

    // Electricity recovers and gas accepts: the two jobs, as handed over, finish the payment and book its ledger.
    await h.billers.resetFaults();
    const done = await runHandedOver(settling._id, handed);
    expect(done.status).toBe('completed');
    expect(done.lines.map((l) => l.status)).toEqual(['settled', 'settled', 'settled']);
  });

  it('run by the worker from the capture, a payment with a biller out for two calls ends completed, each post counted', async () => {
    await h.billers.fault('water', BILLERS.water.known, { kind: 'error_5xx', times: 2 });
    const settling = await captured(ALL_THREE);
    expect(await enqueueSettlement(h.queue, settling)).toEqual(settling.lines.map((l) => l._id));
    expect(await h.queue.getJob(paymentJobId(settling._id))).toBeDefined();
    const worker = h.startWorker();
    try {
      const done = await h.finished(settling._id);
      expect(done.status).toBe('completed');
      // Water: the payment job's post, then its own job's two (the second accepted).
      expect(done.lines.map((l) => [kindOf(l.billerId), l.status, l.attempts])).toEqual([
        ['electricity', 'settled', 1],
        ['water', 'settled', 3],
        ['gas', 'settled', 1],
      ]);
      const water = lineOf(done, 'water');
      expect(await h.billers.postings('water', water.reference)).toBe(1);
      expect((await h.queue.getJob(water._id))?.data).toEqual({ paymentId: settling._id, lineId: water._id });
    } finally {
      await worker.close();
    }
  });

  it('a run that is not the job first (a retry, a stalled job) posts nothing and hands every open line over', async () => {
    const settling = await captured(ALL_THREE);
    const { handed, handOver } = recorder();
    const { result, writes } = await countWrites(COLLECTIONS, () =>
      settlePayment(h.lineDeps(), { paymentId: settling._id, firstRun: false }, handOver),
    );
    expect(writes).toEqual([]);
    expect(result).toEqual({ status: 'settling', settled: [], handedOver: settling.lines.map((l) => l._id) });
    expect(handed.map((each) => each.start)).toEqual([{}, {}, {}]);
    for (const line of settling.lines) expect(await h.billers.postings(kindOf(line.billerId), line.reference)).toBe(0);

    // Their jobs settle the payment, counting their own posts.
    const done = await runHandedOver(settling._id, handed);
    expect(done.status).toBe('completed');
    expect(done.lines.map((l) => l.attempts)).toEqual([2, 2, 2]);
  });

  it('when another run moves a line first, the batch update is refused, nothing is settled twice and the lines jobs finish', async () => {
    const settling = await captured(ALL_THREE);
    const [first] = settling.lines;
    if (!first) throw new Error('no line');
    // Another run settles the first line between this run's read and its update.
    const racing = Object.create(h.payments) as typeof h.payments;
    racing.settleAccepted = async (payment, accepted) => {
      await h.payments.transitionLine(settling._id, first._id, 'posting', 'settled', 'settlement.settled');
      return h.payments.settleAccepted(payment, accepted);
    };
    const { handed, handOver } = recorder();
    const result = await settlePayment(
      { ...h.lineDeps(), payments: racing },
      { paymentId: settling._id, firstRun: true },
      handOver,
    );
    expect(result.settled).toEqual([]);
    expect(handed.map((each) => each.lineId)).toEqual(settling.lines.map((l) => l._id));
    // The billers accepted all three: their settlements are booked, once each.
    expect((await h.ledger.forPayment(settling._id)).map((t) => t.kind)).toEqual([
      'capture',
      'settlement',
      'settlement',
      'settlement',
    ]);

    const done = await runHandedOver(settling._id, handed);
    expect(done.status).toBe('completed');
    for (const line of done.lines) expect(await h.billers.postings(kindOf(line.billerId), line.reference)).toBe(1);
    expect(await h.ledger.forPayment(settling._id)).toHaveLength(4);
  });
});
