import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billerPayable, type Ledger, PAYMENTS_IN_FLIGHT } from '../../hub/ledger/index.js';
import type { PaymentStore } from '../../hub/payments/payment-store.js';
import { ConflictError, NotFoundError, ValidationError } from '../../infra/errors.js';
import { capturedPayment, lineOf, settlingPayment } from '../hub-payments/fixtures.js';
import { ledgerTestBed, settleLine } from './payments.js';

describe('corrections are reversing transactions', () => {
  let drop: () => Promise<void>;
  let store: PaymentStore;
  let ledger: Ledger;
  beforeAll(async () => {
    ({ store, ledger, drop } = await ledgerTestBed('ledger_reversal'));
  });
  afterAll(() => drop());

  it('reverses a settlement with its mirror image, naming it and why, and the original stays', async () => {
    let payment = await settlingPayment(store);
    await ledger.recordCapture(payment);
    payment = await settleLine(store, payment, 0);
    const line = lineOf(payment, 0);
    const { transaction: original } = await ledger.recordSettlement(payment, line);

    const { transaction: reversal, created } = await ledger.reverse(original._id, 'posted to the wrong biller');
    expect(created).toBe(true);
    expect(reversal).toMatchObject({
      _id: `reversal:settle:${line._id}`,
      kind: 'reversal',
      reverses: original._id,
      reason: 'posted to the wrong biller',
      lineId: line._id,
      seq: 2,
      prevHash: original.hash,
      entries: [
        { account: PAYMENTS_IN_FLIGHT, debitMinor: 0, creditMinor: line.amountMinor },
        { account: billerPayable(line.billerId), debitMinor: line.amountMinor, creditMinor: 0 },
      ],
    });
    expect((await ledger.forPayment(payment._id)).map((t) => t._id)).toEqual([
      `capture:${payment._id}`,
      original._id,
      reversal._id,
    ]);
    // Net of the reversal the line has no settlement, which its document contradicts until it is corrected.
    const report = await ledger.checkLedger(payment._id);
    expect(report.problems).toEqual([`payment ${payment._id} line ${line._id} is settled but has no settlement`]);
    expect(report.totals).toMatchObject({ settledMinor: 0, inFlightMinor: payment.totalMinor });
  });

  it('reverses a mistaken capture, and the accounts of the payment come back to zero', async () => {
    const payment = await capturedPayment(store);
    const { transaction } = await ledger.recordCapture(payment);
    await ledger.reverse(transaction._id, 'test capture');
    const balances = new Map((await ledger.checkLedger(payment._id)).balances.map((b) => [b.account, b.balanceMinor]));
    expect(balances.get(PAYMENTS_IN_FLIGHT)).toBe(0);
    expect(balances.get('gateway:receivable')).toBe(0);
  });

  it('writes a retried reversal once, refuses another reason, a reversal of a reversal, and unknown ids', async () => {
    const payment = await capturedPayment(store);
    const { transaction } = await ledger.recordCapture(payment);
    const first = await ledger.reverse(transaction._id, 'duplicate capture');
    const again = await ledger.reverse(transaction._id, 'duplicate capture');
    expect(again).toEqual({ transaction: first.transaction, created: false });
    await expect(ledger.reverse(transaction._id, 'another reason')).rejects.toBeInstanceOf(ConflictError);
    await expect(ledger.reverse(first.transaction._id, 'undo the undo')).rejects.toBeInstanceOf(ValidationError);
    await expect(ledger.reverse(transaction._id, '  ')).rejects.toBeInstanceOf(ValidationError);
    await expect(ledger.reverse('capture:PAYNONE', 'why')).rejects.toBeInstanceOf(NotFoundError);
    expect(await ledger.forPayment(payment._id)).toHaveLength(2);
  });

  it('reports a reversal that does not mirror what it reverses, or reverses nothing in its chain', async () => {
    let payment = await settlingPayment(store);
    await ledger.recordCapture(payment);
    payment = await settleLine(store, payment, 0);
    const line = lineOf(payment, 0);
    const { transaction } = await ledger.recordSettlement(payment, line);
    // Through record(), so the chain is intact and only the reversal's content is wrong.
    await ledger.record({
      _id: `reversal:${transaction._id}`,
      paymentId: payment._id,
      lineId: line._id,
      kind: 'reversal',
      reverses: transaction._id,
      reason: 'half of it',
      entries: [
        { account: PAYMENTS_IN_FLIGHT, debitMinor: 0, creditMinor: 1 },
        { account: billerPayable(line.billerId), debitMinor: 1, creditMinor: 0 },
      ],
      currency: 'INR',
    });
    await ledger.record({
      _id: 'reversal:elsewhere',
      paymentId: payment._id,
      kind: 'reversal',
      reverses: 'capture:PAYOTHER',
      reason: 'wrong payment',
      entries: [
        { account: PAYMENTS_IN_FLIGHT, debitMinor: 5, creditMinor: 0 },
        { account: 'gateway:receivable', debitMinor: 0, creditMinor: 5 },
      ],
      currency: 'INR',
    });
    const { problems } = await ledger.checkLedger(payment._id);
    expect(problems).toContain(`transaction reversal:${transaction._id} does not mirror ${transaction._id}'s entries`);
    expect(problems).toContain(
      'transaction reversal:elsewhere reverses capture:PAYOTHER, which is no earlier movement of this payment',
    );
  });
});
