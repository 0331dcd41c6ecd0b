import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BANK_SETTLEMENT,
  billerPayable,
  GATEWAY_FEES,
  GATEWAY_RECEIVABLE,
  gatewayPayoutMovement,
  type Ledger,
  PAYMENTS_IN_FLIGHT,
  REFUNDS_PAYABLE,
} from '../../hub/ledger/index.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import type { PaymentStore } from '../../hub/payments/payment-store.js';
import { ConflictError, ValidationError } from '../../infra/errors.js';
import { lineOf, settlingPayment } from '../hub-payments/fixtures.js';
import { ledgerTestBed, refundLine, settleLine } from './payments.js';

const entry = (account: string, debitMinor: number, creditMinor: number) => ({ account, debitMinor, creditMinor });

describe('the chart of accounts, from capture to payouts', () => {
  let drop: () => Promise<void>;
  let store: PaymentStore;
  let ledger: Ledger;
  beforeAll(async () => {
    ({ store, ledger, drop } = await ledgerTestBed('ledger_chart'));
  });
  afterAll(() => drop());

  /** Electricity settled, water refunded, the payment final. */
  async function settledAndRefunded(): Promise<Payment> {
    let payment = await settlingPayment(store);
    await ledger.recordCapture(payment);
    payment = await settleLine(store, payment, 0);
    await ledger.recordSettlement(payment, lineOf(payment, 0));
    payment = await refundLine(store, payment, 1);
    await ledger.recordRefund(payment, lineOf(payment, 1));
    return (await store.settleCompletion(payment._id)) ?? payment;
  }

  it('moves a payment through refund netting, the gateway payout with its fee and the biller payout, balanced and proven at every step', async () => {
    const payment = await settledAndRefunded();
    const [electricity, water] = payment.lines.map((l) => l.amountMinor) as [number, number];
    const fee = 1_234;
    const balance = async () =>
      new Map((await ledger.checkLedger(payment._id)).balances.map((b) => [b.account, b.balanceMinor]));

    expect(await balance()).toEqual(
      new Map([
        [GATEWAY_RECEIVABLE, electricity + water],
        [PAYMENTS_IN_FLIGHT, 0],
        [billerPayable('electricity-discom'), electricity],
        [REFUNDS_PAYABLE, water],
      ]),
    );
    const beforePayouts = new Date();

    const netting = await ledger.recordRefundNetting(payment, lineOf(payment, 1), { payoutId: 'setl_0001' });
    expect(netting.transaction.entries).toEqual([
      entry(REFUNDS_PAYABLE, water, 0),
      entry(GATEWAY_RECEIVABLE, 0, water),
    ]);
    const payout = await ledger.recordGatewayPayout(payment, {
      payoutId: 'setl_0001',
      amountMinor: electricity,
      feeMinor: fee,
    });
    expect(payout.transaction.entries).toEqual([
      entry(BANK_SETTLEMENT, electricity - fee, 0),
      entry(GATEWAY_FEES, fee, 0),
      entry(GATEWAY_RECEIVABLE, 0, electricity),
    ]);
    await ledger.recordBillerPayout(payment, lineOf(payment, 0), { payoutId: 'neft_0001' });

    const report = await ledger.checkLedger(payment._id);
    expect(report.problems).toEqual([]);
    expect(report.totals).toEqual({
      capturedMinor: electricity + water,
      settledMinor: electricity,
      refundedMinor: water,
      inFlightMinor: 0,
      unknownMinor: 0,
      heldMinor: 0,
    });
    // The gateway owes nothing, the biller is paid, and the bank is short by the fee the hub bears.
    expect(await balance()).toEqual(
      new Map([
        [BANK_SETTLEMENT, -fee],
        [GATEWAY_FEES, fee],
        [GATEWAY_RECEIVABLE, 0],
        [PAYMENTS_IN_FLIGHT, 0],
        [billerPayable('electricity-discom'), 0],
        [REFUNDS_PAYABLE, 0],
      ]),
    );

    // The books as they stood before the payouts are still there to read.
    const asOf = new Map(
      (await ledger.balances({ asOf: beforePayouts }))
        .filter((b) => b.currency === 'INR')
        .map((b) => [b.account, b.type]),
    );
    expect(asOf.has(BANK_SETTLEMENT)).toBe(false);
    expect(asOf.get(GATEWAY_RECEIVABLE)).toBe('asset');
    expect(asOf.get(REFUNDS_PAYABLE)).toBe('liability');
  });

  it('lists every account as of a time, on its normal side', async () => {
    const before = await ledger.balances();
    const payment = await settledAndRefunded();
    const after = await ledger.balances();
    const of = (rows: typeof before, account: string) => rows.find((r) => r.account === account)?.balanceMinor ?? 0;
    expect(of(after, GATEWAY_RECEIVABLE) - of(before, GATEWAY_RECEIVABLE)).toBe(payment.totalMinor);
    expect(of(after, REFUNDS_PAYABLE) - of(before, REFUNDS_PAYABLE)).toBe(lineOf(payment, 1).amountMinor);
    expect(await ledger.balances({ asOf: new Date(0) })).toEqual([]);
    for (const row of after)
      expect(row.debitMinor - row.creditMinor).toBe(row.type === 'liability' ? 0 - row.balanceMinor : row.balanceMinor);
  });

  it('records each payout or netting once, and only for a line in the state it pays', async () => {
    const payment = await settledAndRefunded();
    const [settled, refunded] = [lineOf(payment, 0), lineOf(payment, 1)];
    expect((await ledger.recordBillerPayout(payment, settled, { payoutId: 'neft_1' })).created).toBe(true);
    expect((await ledger.recordBillerPayout(payment, settled, { payoutId: 'neft_1' })).created).toBe(false);
    await expect(ledger.recordBillerPayout(payment, settled, { payoutId: 'neft_2' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(ledger.recordBillerPayout(payment, refunded, { payoutId: 'neft_1' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(ledger.recordRefundNetting(payment, settled, { payoutId: 'setl_1' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(ledger.recordRefundNetting(payment, refunded, { payoutId: ' ' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      ledger.recordGatewayPayout(payment, { payoutId: 'setl_1', amountMinor: 0, feeMinor: 0 }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      ledger.recordGatewayPayout(payment, { payoutId: 'setl_1', amountMinor: 10, feeMinor: -1 }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect((await ledger.checkLedger(payment._id)).problems).toEqual([]);
  });

  it('takes back from the bank a refund the gateway netted after it had paid the payment out', async () => {
    const payment = await settledAndRefunded();
    const water = lineOf(payment, 1).amountMinor;
    await ledger.recordGatewayPayout(payment, { payoutId: 'setl_day1', amountMinor: payment.totalMinor, feeMinor: 0 });
    await ledger.recordRefundNetting(payment, lineOf(payment, 1), { payoutId: 'setl_day2' });
    const takeBack = gatewayPayoutMovement(payment, { payoutId: 'setl_day2', amountMinor: -water, feeMinor: 0 });
    expect(takeBack.entries).toEqual([entry(BANK_SETTLEMENT, 0, water), entry(GATEWAY_RECEIVABLE, water, 0)]);
    await ledger.record(takeBack);
    const report = await ledger.checkLedger(payment._id);
    expect(report.problems).toEqual([]);
    const receivable = report.balances.find((b) => b.account === GATEWAY_RECEIVABLE);
    expect(receivable?.balanceMinor).toBe(0);
  });

  it('reports a biller paid more than was settled with it, and refunds netted that were never made', async () => {
    let payment = await settlingPayment(store);
    await ledger.recordCapture(payment);
    payment = await settleLine(store, payment, 0);
    const line = lineOf(payment, 0);
    await ledger.recordSettlement(payment, line);
    await ledger.record({
      _id: 'biller-payout:double',
      paymentId: payment._id,
      lineId: line._id,
      kind: 'biller_payout',
      entries: [
        entry(billerPayable(line.billerId), line.amountMinor * 2, 0),
        entry(BANK_SETTLEMENT, 0, line.amountMinor * 2),
      ],
      currency: 'INR',
      payoutId: 'neft_x',
    });
    await ledger.record({
      _id: 'refund-netted:never',
      paymentId: payment._id,
      lineId: lineOf(payment, 1)._id,
      kind: 'refund_netting',
      entries: [entry(REFUNDS_PAYABLE, 10, 0), entry(GATEWAY_RECEIVABLE, 0, 10)],
      currency: 'INR',
      payoutId: 'setl_x',
    });
    const { problems } = await ledger.checkLedger(payment._id);
    expect(problems).toContain(
      `payment ${payment._id} line ${line._id}: paid out ${line.amountMinor * 2} to the biller but settled ${line.amountMinor}`,
    );
    expect(problems).toContain(
      `payment ${payment._id}: ${billerPayable(line.billerId)} is -${line.amountMinor}: more went out than came in`,
    );
    expect(problems).toContain(`payment ${payment._id}: ${REFUNDS_PAYABLE} is -10: more went out than came in`);
    expect(problems).toContain(
      `payment ${payment._id} line ${lineOf(payment, 1)._id}: the gateway netted 10 of refunds but 0 was refunded`,
    );
  });
});
