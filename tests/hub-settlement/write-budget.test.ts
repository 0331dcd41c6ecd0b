import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../hub/payments/payment-model.js';
import type { LineDeps } from '../../hub/settlement/deps.js';
import { enqueueSettlement } from '../../hub/settlement/queue.js';
import { settleLine } from '../../hub/settlement/settle-line.js';
import { settlePayment } from '../../hub/settlement/settle-payment.js';
import { countWrites } from './count-writes.js';
import { ALL_THREE, type Harness, startHarness } from './harness.js';
import { twoLinePayment } from './support/two-lines.js';

const COLLECTIONS = ['payments', 'ledger_transactions'];

describe('the writes a paid line costs', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('settle_write_budget');
  });

  afterEach(async () => {
    expect(await h.ledgerProblems()).toEqual([]);
  });

  afterAll(async () => {
    await h?.close();
  });

  /** The capture's move to settling (lines to posting with it), then each line's job run, one after another. */
  async function settleInTurn(deps: LineDeps, captured: Payment, firstPostCounted: boolean) {
    const settling = await h.payments.startSettling(captured, 'settlement.started');
    if (!settling) throw new Error('settling failed in the test');
    for (const line of settling.lines) {
      const outcome = await settleLine(deps, {
        paymentId: settling._id,
        lineId: line._id,
        polls: 0,
        lastAttempt: false,
        firstPostCounted,
      });
      expect(outcome).toEqual({ kind: 'final', status: 'settled' });
    }
    return (await h.payments.findById(captured._id)) as Payment;
  }

  it('settling a captured 3-bill payment makes 6 writes: the move to settling, one transition per line, one ledger insert and the completion', async () => {
    const captured = await h.capturedPayment(ALL_THREE);
    const { result: done, writes } = await countWrites(COLLECTIONS, () => settleInTurn(h.lineDeps(), captured, true));

    expect(done.status).toBe('completed');
    expect(writes).toEqual([
      'payments.findOneAndUpdate', // captured → settling, every line pending → posting, one attempt each
      'payments.findOneAndUpdate', // line 1 posting → settled (line 2 still runs: it books later)
      'payments.findOneAndUpdate', // line 2 posting → settled
      'payments.findOneAndUpdate', // line 3 posting → settled: the last running line
      'ledger_transactions.insertMany', // its three settlements, in one insert
      'payments.findOneAndUpdate', // settling → completed
    ]);
    // The post the move to settling counted is not counted again.
    expect(done.lines.map((l) => l.attempts)).toEqual([1, 1, 1]);
    expect(done.timeline.filter((e) => e.to === 'posting')).toHaveLength(3);
  });

  it('a line moved to posting by the capture and posted again by a swept job counts both posts', async () => {
    const captured = await h.capturedPayment([{ kind: 'water' }]);
    const done = await settleInTurn(h.lineDeps(), captured, false);
    expect(done.lines[0]?.attempts).toBe(2);
  });

  it('a line its own job moves from pending counts its post in that move, not in a write of its own', async () => {
    const settling = await h.settlingPayment([{ kind: 'gas' }]);
    const line = settling.lines[0];
    if (!line) throw new Error('no line');
    const { writes } = await countWrites(COLLECTIONS, () =>
      settleLine(h.lineDeps(), { paymentId: settling._id, lineId: line._id, polls: 0, lastAttempt: false }),
    );
    // pending → posting (with the attempt), posting → settled, the ledger insert, the completion.
    expect(writes).toEqual([
      'payments.findOneAndUpdate',
      'payments.findOneAndUpdate',
      'ledger_transactions.insertMany',
      'payments.findOneAndUpdate',
    ]);
    expect((await h.payments.findById(settling._id))?.lines[0]?.attempts).toBe(1);
  });

  it('a crash between the ledger insert and the completion books nothing twice and completes on the next run', async () => {
    const {
      payment: settling,
      first,
      second,
      run,
    } = await twoLinePayment(h, [{ kind: 'electricity' }, { kind: 'water' }], false);
    expect(await settleLine(h.lineDeps(), run(first._id))).toEqual({ kind: 'final', status: 'settled' });

    // The last line's run dies right after its ledger insert, before the completion.
    const crashing = Object.create(h.payments) as typeof h.payments;
    crashing.settleCompletion = async () => {
      throw new Error('process killed before the completion');
    };
    await expect(settleLine({ ...h.lineDeps(), payments: crashing }, run(second._id))).rejects.toThrow(/killed/);
    const stuck = (await h.payments.findById(settling._id)) as Payment;
    expect(stuck.status).toBe('settling');
    expect((await h.ledger.forPayment(settling._id)).map((t) => t.kind)).toEqual([
      'capture',
      'settlement',
      'settlement',
    ]);

    // The job's retry: nothing left to book, so no ledger write, and the completion.
    const { result, writes } = await countWrites(COLLECTIONS, () => settleLine(h.lineDeps(), run(second._id)));
    expect(result).toEqual({ kind: 'final', status: 'settled' });
    expect(writes).toEqual(['payments.findOneAndUpdate']);
    expect((await h.payments.findById(settling._id))?.status).toBe('completed');
    expect((await h.ledger.forPayment(settling._id)).filter((t) => t.kind === 'settlement')).toHaveLength(2);
  });

  it('the settle-payment job settles a captured 3-bill payment in 2 writes after the move to settling: one ledger insert, one update', async () => {
    const captured = await h.capturedPayment(ALL_THREE);
    const { result: done, writes } = await countWrites(COLLECTIONS, async () => {
      const settling = await h.payments.startSettling(captured, 'settlement.started');
      if (!settling) throw new Error('settling failed in the test');
      await settlePayment(h.lineDeps(), { paymentId: settling._id, firstRun: true }, async () => {
        throw new Error('nothing should be handed over');
      });
      return (await h.payments.findById(captured._id)) as Payment;
    });
    expect(done.status).toBe('completed');
    expect(writes).toEqual([
      'payments.findOneAndUpdate', // captured → settling, every line pending → posting, one attempt each
      'ledger_transactions.insertMany', // the three settlements, booked before the completion
      'payments.findOneAndUpdate', // every line posting → settled, and settling → completed
    ]);
    expect(done.lines.map((l) => l.attempts)).toEqual([1, 1, 1]);
  });

  it("the capture's settle-payment job settles a 3-bill payment with the post counted once, run by the worker", async () => {
    const captured = await h.capturedPayment(ALL_THREE);
    const settling = await h.payments.startSettling(captured, 'settlement.started');
    if (!settling) throw new Error('settling failed in the test');
    await enqueueSettlement(h.queue, settling);
    const worker = h.startWorker();
    try {
      const done = await h.finished(settling._id);
      expect(done.status).toBe('completed');
      expect(done.lines.map((l) => [l.status, l.attempts])).toEqual(ALL_THREE.map(() => ['settled', 1]));
      const kinds = (await h.ledger.forPayment(settling._id)).map((t) => t.kind).sort();
      expect(kinds).toEqual(['capture', 'settlement', 'settlement', 'settlement']);
    } finally {
      await worker.close();
    }
  });
});
