import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billerPayable, GATEWAY_RECEIVABLE, PAYMENTS_IN_FLIGHT } from '../../hub/ledger/accounts.js';
import { entryProblems } from '../../hub/ledger/balance.js';
import { Ledger } from '../../hub/ledger/ledger.js';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import { ConflictError, ValidationError } from '../../infra/errors.js';
import { isolatedMongo } from '../support/isolation.js';
import { capturedPayment, lineOf, newPayment, settlingPayment } from './fixtures.js';

const entry = (account: string, debitMinor: number, creditMinor: number) => ({ account, debitMinor, creditMinor });

describe('recording ledger transactions', () => {
  let drop: () => Promise<void>;
  let store: PaymentStore;
  let ledger: Ledger;
  beforeAll(async () => {
    const mongo = await isolatedMongo('ledger_record');
    drop = mongo.drop;
    store = new PaymentStore(mongo.conn);
    ledger = new Ledger(mongo.conn);
    await Promise.all([store.init(), ledger.init()]);
  });
  afterAll(() => drop());

  it('writes a capture as balanced double entry for the payment total', async () => {
    const payment = await capturedPayment(store);
    const { transaction, created } = await ledger.recordCapture(payment);
    expect(created).toBe(true);
    expect(transaction).toMatchObject({ _id: `capture:${payment._id}`, paymentId: payment._id, kind: 'capture' });
    expect(transaction.entries).toEqual([
      entry(GATEWAY_RECEIVABLE, payment.totalMinor, 0),
      entry(PAYMENTS_IN_FLIGHT, 0, payment.totalMinor),
    ]);
  });

  it.each([
    ['debits and credits differ', [entry(GATEWAY_RECEIVABLE, 500, 0), entry(PAYMENTS_IN_FLIGHT, 0, 400)]],
    ['an entry has both sides', [entry(GATEWAY_RECEIVABLE, 500, 500), entry(PAYMENTS_IN_FLIGHT, 500, 500)]],
    ['an entry has neither side', [entry(GATEWAY_RECEIVABLE, 0, 0), entry(PAYMENTS_IN_FLIGHT, 0, 0)]],
    ['an amount is fractional', [entry(GATEWAY_RECEIVABLE, 10.5, 0), entry(PAYMENTS_IN_FLIGHT, 0, 10.5)]],
    ['an amount is negative', [entry(GATEWAY_RECEIVABLE, -5, 0), entry(PAYMENTS_IN_FLIGHT, 0, -5)]],
    ['an account is unknown', [entry('cash:drawer', 100, 0), entry(PAYMENTS_IN_FLIGHT, 0, 100)]],
    ['there is one entry', [entry(GATEWAY_RECEIVABLE, 100, 0)]],
  ])('refuses a transaction where %s, writing nothing', async (_label, entries) => {
    const id = `capture:test-${Math.random()}`;
    const error = await ledger
      .record({ _id: id, paymentId: 'PAY-x', kind: 'capture', entries, currency: 'INR' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(await ledger.model.countDocuments({ _id: id })).toBe(0);
  });

  it('refuses a transaction the schema rejects even when balanced (a currency that is no ISO 4217 code)', async () => {
    const entries = [entry(GATEWAY_RECEIVABLE, 100, 0), entry(PAYMENTS_IN_FLIGHT, 0, 100)];
    await expect(
      ledger.record({ _id: 'capture:rupees', paymentId: 'PAY-x', kind: 'capture', entries, currency: 'rupees' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('writes a retried recording once, even when 20 workers retry at the same time', async () => {
    const payment = await settlingPayment(store);
    const line = lineOf(payment, 0);
    await store.transitionLine(payment._id, line._id, 'pending', 'posting', 'line.posting');
    const settled = await store.transitionLine(payment._id, line._id, 'posting', 'settled', 'line.settled');
    if (!settled) throw new Error('settle failed');
    const results = await Promise.all(Array.from({ length: 20 }, () => ledger.recordSettlement(settled, line)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.transaction._id))).toEqual(new Set([`settle:${line._id}`]));
    expect(await ledger.model.countDocuments({ lineId: line._id })).toBe(1);
    expect((await ledger.recordSettlement(settled, line)).created).toBe(false);
    expect(results[0]?.transaction.entries).toEqual([
      entry(PAYMENTS_IN_FLIGHT, line.amountMinor, 0),
      entry(billerPayable(line.billerId), 0, line.amountMinor),
    ]);
  });

  it('refuses a different movement under a key that is already recorded', async () => {
    const payment = await capturedPayment(store);
    await ledger.recordCapture(payment);
    const other = { ...payment, gateway: { ...payment.gateway, capturedMinor: payment.totalMinor - 1 } };
    await expect(ledger.recordCapture(other)).rejects.toBeInstanceOf(ConflictError);
    expect(await ledger.forPayment(payment._id)).toHaveLength(1);
  });

  it('records a movement only for the state it reflects', async () => {
    const { payment } = await store.create(newPayment());
    await expect(ledger.recordCapture(payment)).rejects.toBeInstanceOf(ConflictError);
    const settling = await settlingPayment(store);
    const line = lineOf(settling, 0);
    await expect(ledger.recordSettlement(settling, line)).rejects.toBeInstanceOf(ConflictError);
    await expect(ledger.recordRefund(settling, line)).rejects.toBeInstanceOf(ConflictError);
    await expect(ledger.recordSettlement(settling, lineOf(payment, 0))).rejects.toBeInstanceOf(ValidationError);
    expect(await ledger.forPayment(settling._id)).toEqual([]);
  });

  it('checks balance as a pure function too', () => {
    expect(entryProblems([entry(PAYMENTS_IN_FLIGHT, 7, 0), entry(billerPayable('water-board'), 0, 7)])).toEqual([]);
    expect(entryProblems([entry(PAYMENTS_IN_FLIGHT, 7, 0), entry(billerPayable('water-board'), 0, 6)])).toEqual([
      'unbalanced: debits 7 ≠ credits 6',
    ]);
  });
});
