import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../hub/payments/payment-model.js';
import { enqueueSettlement } from '../../hub/settlement/queue.js';
import { BILLERS, type Kind } from './billers.js';
import { ALL_THREE, type Harness, startHarness, TEST_OPTIONS, waitFor } from './harness.js';

const lineOf = (payment: Payment, kind: Kind) => {
  const line = payment.lines.find((l) => l.billerId === BILLERS[kind].billerId);
  if (!line) throw new Error(`no ${kind} line`);
  return line;
};

describe('settling captured payments through BullMQ jobs', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('settle_lines');
    h.startWorker();
  });

  afterEach(async () => {
    await h.billers.resetFaults();
    expect(await h.ledgerProblems()).toEqual([]);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('settles an electricity, a water and a gas line exactly once each and completes the payment', async () => {
    const payment = await h.settle(ALL_THREE);
    const done = await h.finished(payment._id);

    expect(done.status).toBe('completed');
    for (const kind of ['electricity', 'water', 'gas'] as const) {
      const line = lineOf(done, kind);
      expect(line).toMatchObject({ status: 'settled', attempts: 1 });
      expect(line.billerReference).toBeTruthy();
      expect(await h.billers.postings(kind, line.reference)).toBe(1);
    }
    const settlements = (await h.ledger.forPayment(payment._id)).filter((t) => t.kind === 'settlement');
    expect(settlements).toHaveLength(3);
    expect(h.announced.filter((p) => p._id === payment._id).map((p) => p.status)).toEqual(['completed']);
  });

  it('retries a biller that answers 5xx twice and settles the line once it recovers', async () => {
    const payment = await h.settlingPayment([{ kind: 'water' }]);
    await h.billers.fault('water', BILLERS.water.known, { kind: 'error_5xx', times: 2 });
    await enqueueSettlement(h.queue, payment);
    const done = await h.finished(payment._id);

    const line = lineOf(done, 'water');
    expect(done.status).toBe('completed');
    expect(line).toMatchObject({ status: 'settled', attempts: 3 });
    expect(await h.billers.postings('water', line.reference)).toBe(1);
    // Two runs failed on the 5xx, the third settled: BullMQ counts all three.
    expect((await h.queue.getJob(line._id))?.attemptsMade).toBe(3);
  });

  it.each(['electricity', 'water', 'gas'] as const)(
    'refunds a %s line its biller rejects through the gateway and settles the others',
    async (rejected) => {
      const payment = await h.settle(ALL_THREE.map((spec) => ({ ...spec, rejecting: spec.kind === rejected })));
      const done = await h.finished(payment._id);

      expect(done.status).toBe('partially_refunded');
      const refused = lineOf(done, rejected);
      expect(refused).toMatchObject({ status: 'refunded', refundKey: refused._id, attempts: 1 });
      expect(refused.failureCode).toMatch(/^(ACCOUNT_DISCONNECTED|E210|BP_BLOCKED)$/);
      for (const line of done.lines.filter((l) => l !== refused)) expect(line.status).toBe('settled');
      for (const line of done.lines) {
        const kind = (Object.keys(BILLERS) as Kind[]).find((k) => BILLERS[k].billerId === line.billerId) as Kind;
        expect(await h.billers.postings(kind, line.reference)).toBe(1);
      }
      const order = await h.gateway.client.getOrder(done.gateway.orderId as string);
      expect(order.refundedMinor).toBe(refused.amountMinor);
      expect(done.timeline.map((e) => e.to).filter((to) => to === 'failed' || to === 'refunding')).toEqual([
        'failed',
        'refunding',
      ]);
    },
  );

  it('polls a posting the biller leaves pending until it is accepted', async () => {
    const payment = await h.settlingPayment([{ kind: 'gas' }]);
    await h.billers.fault('gas', BILLERS.gas.known, { kind: 'pending_then_accept', ms: 450 });
    const line = lineOf(payment, 'gas');
    await enqueueSettlement(h.queue, payment);
    const done = await h.finished(payment._id);

    expect(done.status).toBe('completed');
    expect(lineOf(done, 'gas')).toMatchObject({ status: 'settled', attempts: 1, billerStatus: 'POSTED' });
    const job = await h.queue.getJob(line._id);
    // At least one poll found it still pending or accepted; how many fit in 450 ms depends on the
    // machine's load, so the count is not pinned (a busy machine may poll once, after the 450 ms).
    expect(job?.data.polls).toBeGreaterThanOrEqual(1);
    // Polls spend no attempts (they stay for real failures): only the run that settled counts.
    expect(job?.attemptsMade).toBe(1);
    expect(await h.billers.postings('gas', line.reference)).toBe(1);
  });

  it('leaves a line whose biller stays unavailable through every attempt unknown, never refunded on a guess', async () => {
    const payment = await h.settlingPayment([{ kind: 'electricity' }, { kind: 'water' }]);
    await h.billers.fault('electricity', BILLERS.electricity.known, { kind: 'error_5xx', times: 1_000 });
    await enqueueSettlement(h.queue, payment);
    const down = lineOf(payment, 'electricity');
    await waitFor('the electricity job to finish', async () => {
      const state = await (await h.queue.getJob(down._id))?.getState();
      return state === 'completed' || state === 'failed';
    });
    await waitFor('the water line to settle', async () => {
      const now = await h.payments.findById(payment._id);
      return now && lineOf(now, 'water').status === 'settled';
    });
    const after = (await h.payments.findById(payment._id)) as Payment;

    // A 5xx says nothing about whether the discom recorded the posting: a status enquiry decides.
    expect(after.status).toBe('settling');
    expect(lineOf(after, 'electricity')).toMatchObject({ status: 'unknown', enquiries: 0 });
    expect(lineOf(after, 'electricity').attempts).toBe(TEST_OPTIONS.attempts);
    expect(lineOf(after, 'electricity').nextAttemptAt).toBeInstanceOf(Date);
    const order = await h.gateway.client.getOrder(after.gateway.orderId as string);
    expect(order.refundedMinor).toBe(0);
    // The job ended well: its last attempt left the line unknown instead of giving up.
    expect(await (await h.queue.getJob(down._id))?.returnvalue).toBe('unknown');
  });
});
