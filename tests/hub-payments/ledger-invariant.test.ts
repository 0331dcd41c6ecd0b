import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billerPayable, PAYMENTS_IN_FLIGHT, REFUNDS_PAYABLE } from '../../hub/ledger/accounts.js';
import { Ledger } from '../../hub/ledger/ledger.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import { isolatedMongo } from '../support/isolation.js';
import { capturedPayment, lineOf, newPayment, settlingPayment } from './fixtures.js';

async function settleLine(store: PaymentStore, payment: Payment, index: number): Promise<Payment> {
  const line = lineOf(payment, index);
  await store.transitionLine(payment._id, line._id, 'pending', 'posting', 'line.posting');
  const settled = await store.transitionLine(payment._id, line._id, 'posting', 'settled', 'line.settled');
  if (!settled) throw new Error('settle failed');
  return settled;
}

async function refundLine(store: PaymentStore, payment: Payment, index: number): Promise<Payment> {
  const line = lineOf(payment, index);
  await store.transitionLine(payment._id, line._id, ['pending', 'posting'], 'failed', 'line.failed');
  await store.transitionLine(payment._id, line._id, 'failed', 'refunding', 'refund.requested');
  const refunded = await store.transitionLine(payment._id, line._id, 'refunding', 'refunded', 'refund.done');
  if (!refunded) throw new Error('refund failed');
  return refunded;
}

describe('the ledger invariant through a payment’s life', () => {
  let drop: () => Promise<void>;
  let store: PaymentStore;
  let ledger: Ledger;
  beforeAll(async () => {
    const mongo = await isolatedMongo('ledger_life');
    drop = mongo.drop;
    store = new PaymentStore(mongo.conn);
    ledger = new Ledger(mongo.conn);
    await Promise.all([store.init(), ledger.init()]);
  });
  afterAll(() => drop());

  it('holds after capture, after settling one line, after refunding the other, and at completion', async () => {
    const { payment: created } = await store.create(newPayment());
    expect(await ledger.checkLedger(created._id)).toMatchObject({
      ok: true,
      problems: [],
      totals: { capturedMinor: 0, settledMinor: 0, refundedMinor: 0, inFlightMinor: 0, unknownMinor: 0, heldMinor: 0 },
    });

    let payment = await settlingPayment(store, { citizenSub: created.citizenSub });
    const [electricity, water] = payment.lines.map((l) => l.amountMinor) as [number, number];
    await ledger.recordCapture(payment);
    expect(await ledger.checkLedger(payment._id)).toMatchObject({
      ok: true,
      problems: [],
      totals: {
        capturedMinor: electricity + water,
        settledMinor: 0,
        refundedMinor: 0,
        inFlightMinor: electricity + water,
        unknownMinor: 0,
        heldMinor: 0,
      },
    });

    payment = await settleLine(store, payment, 0);
    await ledger.recordSettlement(payment, lineOf(payment, 0));
    expect(await ledger.checkLedger(payment._id)).toMatchObject({
      ok: true,
      totals: { capturedMinor: electricity + water, settledMinor: electricity, refundedMinor: 0, inFlightMinor: water },
    });

    payment = await refundLine(store, payment, 1);
    await ledger.recordRefund(payment, lineOf(payment, 1));
    const completed = await store.settleCompletion(payment._id);
    expect(completed?.status).toBe('partially_refunded');
    const report = await ledger.checkLedger();
    expect(report).toMatchObject({
      ok: true,
      problems: [],
      totals: { capturedMinor: electricity + water, settledMinor: electricity, refundedMinor: water, inFlightMinor: 0 },
    });
  });

  it('holds across many payments checked together', async () => {
    for (let i = 0; i < 3; i++) {
      const payment = await settlingPayment(store);
      await ledger.recordCapture(payment);
      const settled = await settleLine(store, await settleLine(store, payment, 0), 1);
      for (const line of settled.lines) await ledger.recordSettlement(settled, line);
      expect((await store.settleCompletion(payment._id))?.status).toBe('completed');
    }
    const report = await ledger.checkLedger();
    expect(report.problems).toEqual([]);
    const { capturedMinor, settledMinor, refundedMinor, inFlightMinor } = report.totals;
    expect(capturedMinor).toBe(settledMinor + refundedMinor + inFlightMinor);
    expect(inFlightMinor).toBe(0);
  });
});

describe('checkLedger on a broken ledger', () => {
  let drop: () => Promise<void>;
  let store: PaymentStore;
  let ledger: Ledger;
  beforeAll(async () => {
    const mongo = await isolatedMongo('ledger_broken');
    drop = mongo.drop;
    store = new PaymentStore(mongo.conn);
    ledger = new Ledger(mongo.conn);
    await Promise.all([store.init(), ledger.init()]);
  });
  afterAll(() => drop());

  const raw = () => ledger.model.collection;
  const insertRaw = (doc: Record<string, unknown>) =>
    raw().insertOne({ currency: 'INR', createdAt: new Date(), ...doc } as never);

  it('reports a settlement without a capture', async () => {
    let payment = await settlingPayment(store);
    payment = await settleLine(store, payment, 0);
    await ledger.recordSettlement(payment, lineOf(payment, 0));
    const report = await ledger.checkLedger(payment._id);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        `payment ${payment._id} is settling but the ledger has no capture`,
        expect.stringMatching(/in flight is -\d+: more settled or refunded than was captured/),
      ]),
    );
    expect(report.totals.inFlightMinor).toBe(-lineOf(payment, 0).amountMinor);
  });

  it('reports an unbalanced transaction inserted directly through the collection', async () => {
    const payment = await capturedPayment(store);
    await ledger.recordCapture(payment);
    const line = lineOf(payment, 0);
    await insertRaw({
      _id: `settle:${line._id}`,
      paymentId: payment._id,
      lineId: line._id,
      kind: 'settlement',
      entries: [
        { account: PAYMENTS_IN_FLIGHT, debitMinor: line.amountMinor, creditMinor: 0 },
        { account: billerPayable(line.billerId), debitMinor: 0, creditMinor: line.amountMinor - 1 },
      ],
    });
    const report = await ledger.checkLedger(payment._id);
    expect(report.ok).toBe(false);
    expect(report.problems).toContain(
      `transaction settle:${line._id}: unbalanced: debits ${line.amountMinor} ≠ credits ${line.amountMinor - 1}`,
    );
    expect(report.problems).toContainEqual(expect.stringContaining(`payment ${payment._id}: captured`));
    expect(report.problems).toContain(`payment ${payment._id} line ${line._id} is pending but was settled`);
  });

  it('reports a line both settled and refunded', async () => {
    let payment = await settlingPayment(store);
    await ledger.recordCapture(payment);
    payment = await settleLine(store, payment, 0);
    const line = lineOf(payment, 0);
    await ledger.recordSettlement(payment, line);
    await insertRaw({
      _id: `refund:${line._id}`,
      paymentId: payment._id,
      lineId: line._id,
      kind: 'refund',
      entries: [
        { account: PAYMENTS_IN_FLIGHT, debitMinor: line.amountMinor, creditMinor: 0 },
        { account: REFUNDS_PAYABLE, debitMinor: 0, creditMinor: line.amountMinor },
      ],
    });
    const report = await ledger.checkLedger(payment._id);
    expect(report.problems).toContain(
      `payment ${payment._id} line ${line._id}: both a settlement and a refund recorded`,
    );
    expect(report.problems).toContain(`payment ${payment._id} line ${line._id} is settled but was refunded`);
  });

  it('reports a settled line the ledger never settled, and a capture that is not the total', async () => {
    let payment = await settlingPayment(store);
    await insertRaw({
      _id: `capture:${payment._id}`,
      paymentId: payment._id,
      kind: 'capture',
      entries: [
        { account: 'gateway:receivable', debitMinor: 100, creditMinor: 0 },
        { account: PAYMENTS_IN_FLIGHT, debitMinor: 0, creditMinor: 100 },
      ],
    });
    payment = await settleLine(store, payment, 1);
    const report = await ledger.checkLedger(payment._id);
    expect(report.problems).toEqual([
      `transaction capture:${payment._id} is outside payment ${payment._id}'s hash chain (no seq or hash): written around the ledger`,
      `payment ${payment._id}: the ledger captured 100 but the payment total is ${payment.totalMinor}`,
      `payment ${payment._id} line ${lineOf(payment, 1)._id} is settled but has no settlement`,
    ]);
  });

  it('reports money moved for a payment that was never captured, or that does not exist', async () => {
    const { payment } = await store.create(newPayment());
    const entries = [
      { account: 'gateway:receivable', debitMinor: 100, creditMinor: 0 },
      { account: PAYMENTS_IN_FLIGHT, debitMinor: 0, creditMinor: 100 },
    ];
    await insertRaw({ _id: `capture:${payment._id}`, paymentId: payment._id, kind: 'capture', entries });
    await insertRaw({ _id: 'capture:PAYGHOST', paymentId: 'PAYGHOST', kind: 'capture', entries });
    const report = await ledger.checkLedger();
    expect(report.problems).toContain(`payment ${payment._id} is created but the ledger moved money`);
    expect(report.problems).toContain(
      'payment PAYGHOST: the ledger has transactions for a payment that does not exist',
    );
  });

  it('reports a captured payment with no ledger activity at all when checking everything', async () => {
    const payment = await capturedPayment(store);
    const report = await ledger.checkLedger();
    expect(report.problems).toContain(`payment ${payment._id} is captured but the ledger has no capture`);
  });
});
