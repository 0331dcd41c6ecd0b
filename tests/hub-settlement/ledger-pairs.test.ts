import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../hub/ledger/ledger.js';
import { createNotifications } from '../../hub/notifications/index.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import { issueReceipt } from '../../hub/receipts/issue-receipt.js';
import { ReceiptService } from '../../hub/receipts/receipt-service.js';
import { enqueueReceipt, ISSUE_RECEIPT } from '../../hub/settlement/queue.js';
import { settleLine } from '../../hub/settlement/settle-line.js';
import { sweepStuckWork } from '../../hub/settlement/sweeper.js';
import { createLogger } from '../../infra/logger.js';
import { BILLERS } from './billers.js';
import { type Harness, startHarness } from './harness.js';
import { twoLinePayment } from './support/two-lines.js';

const log = createLogger('ledger-pairs', 'silent');
const tick = () => new Promise((r) => setTimeout(r, 5));

/** The ledger, except that its next settlement write fails, as if the process died just before it. */
function ledgerThatLosesOneSettlement(ledger: Ledger): Ledger {
  let lost = false;
  const flaky = Object.create(ledger) as Ledger;
  flaky.recordAll = async (movements, chain) => {
    if (!lost && movements.some((t) => t.kind === 'settlement')) {
      lost = true;
      throw new Error('connection reset while writing the settlement');
    }
    return ledger.recordAll(movements, chain);
  };
  return flaky;
}

describe('a state change and its ledger entry are recovered as a pair', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('settle_ledger_pairs');
  });

  afterEach(async () => {
    expect(await h.ledgerProblems()).toEqual([]);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('completes a payment whose settlement write was lost after the biller accepted it, with its entry and receipt, on the next sweep', async () => {
    const payment = await h.settlingPayment([{ kind: 'water' }]);
    const line = payment.lines[0];
    if (!line) throw new Error('no line');
    const deps = { ...h.lineDeps(), ledger: ledgerThatLosesOneSettlement(h.ledger) };
    await expect(
      settleLine(deps, { paymentId: payment._id, lineId: line._id, polls: 0, lastAttempt: true }),
    ).rejects.toThrow(/connection reset/);

    // Settled at the biller, no settlement entry, the payment stuck in settling: the hole.
    const stuck = (await h.payments.findById(payment._id)) as Payment;
    expect(stuck.status).toBe('settling');
    expect(stuck.lines[0]?.status).toBe('settled');
    expect((await h.ledger.forPayment(payment._id)).map((t) => t.kind)).toEqual(['capture']);

    await tick();
    const report = await sweepStuckWork(
      {
        payments: h.payments,
        ledger: h.ledger,
        queue: h.queue,
        log,
        onPaymentFinal: async (final) => {
          await enqueueReceipt(h.queue, final._id);
        },
      },
      { olderThanMs: 0 },
    );

    expect(report.completed).toEqual([payment._id]);
    const done = (await h.payments.findById(payment._id)) as Payment;
    expect(done.status).toBe('completed');
    expect((await h.ledger.forPayment(payment._id)).map((t) => t.kind).sort()).toEqual(['capture', 'settlement']);
    expect(await h.billers.postings('water', line.reference)).toBe(1);

    // The sweep enqueued the receipt; its job issues it (run here as the worker would).
    const job = await h.queue.getJob(payment._id);
    expect(job?.name).toBe(ISSUE_RECEIPT);
    const receipts = new ReceiptService(h.payments.model.db, h.billers.registry as never);
    await receipts.init();
    const sent: string[] = [];
    const outcome = await issueReceipt(
      {
        payments: h.payments,
        receipts,
        notifications: createNotifications({
          conn: h.payments.model.db,
          log,
          publicUrl: 'http://localhost:3000',
          contacts: { find: async (sub) => ({ _id: sub, email: 'citizen@example.test', updatedAt: new Date() }) },
          notifier: { send: async (message) => void sent.push(message.text) },
        }),
        log,
      },
      payment._id,
    );
    expect(outcome).toBe('notified');
    expect(await receipts.findByPayment(payment._id)).toMatchObject({
      _id: `RCT${payment._id.slice(3)}`,
      status: 'completed',
    });
    expect(sent).toHaveLength(1);

    // A second sweep finds nothing left to do.
    await tick();
    expect(
      (await sweepStuckWork({ payments: h.payments, ledger: h.ledger, queue: h.queue, log }, { olderThanMs: 0 }))
        .completed,
    ).toEqual([]);
  });

  it('leaves the ledger to the last running line, whose retry books both movements a lost write left out and completes the payment', async () => {
    const { payment, first, second, run } = await twoLinePayment(h, [{ kind: 'electricity' }, { kind: 'gas' }], true);
    // The first line settles while the second is still running: the second's run books for both.
    expect(await settleLine(h.lineDeps(), run(first._id))).toEqual({ kind: 'final', status: 'settled' });
    expect((await h.ledger.forPayment(payment._id)).map((t) => t.kind)).toEqual(['capture']);
    // The last line settles at the biller, but the ledger write is lost (the process dies).
    await expect(
      settleLine({ ...h.lineDeps(), ledger: ledgerThatLosesOneSettlement(h.ledger) }, run(second._id)),
    ).rejects.toThrow(/connection reset/);
    const stuck = (await h.payments.findById(payment._id)) as Payment;
    expect(stuck.status).toBe('settling');
    expect(stuck.lines.map((l) => l.status)).toEqual(['settled', 'settled']);

    // The job's retry finds its line settled: it books both settlements, then completes.
    expect(await settleLine(h.lineDeps(), run(second._id))).toEqual({ kind: 'final', status: 'settled' });
    const done = (await h.payments.findById(payment._id)) as Payment;
    expect(done.status).toBe('completed');
    const settlements = (await h.ledger.forPayment(payment._id)).filter((t) => t.kind === 'settlement');
    expect(settlements.map((t) => t.lineId).sort()).toEqual([first._id, second._id].sort());
  });

  it('a line whose outcome turns unknown books its settled sibling before it waits', async () => {
    const { payment, first, second, run } = await twoLinePayment(h, [{ kind: 'electricity' }, { kind: 'gas' }], true);
    expect(await settleLine(h.lineDeps(), run(first._id))).toEqual({ kind: 'final', status: 'settled' });
    // The second line's biller cannot be reached on the job's last attempt: its outcome is unknown.
    await h.billers.fault('gas', BILLERS.gas.known, { kind: 'error_5xx', times: 1_000 });
    try {
      expect(await settleLine(h.lineDeps(), run(second._id))).toEqual({ kind: 'waiting', status: 'unknown' });
    } finally {
      await h.billers.resetFaults();
    }
    const settlements = (await h.ledger.forPayment(payment._id)).filter((t) => t.kind === 'settlement');
    expect(settlements.map((t) => t.lineId)).toEqual([first._id]);
    expect((await h.payments.findById(payment._id))?.status).toBe('settling');
  });
});
