import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillerRegistry } from '../../adapters/registry/index.js';
import { type Payment, PaymentStore } from '../../hub/payments/index.js';
import { formatRupees, renderReceiptPdf } from '../../hub/receipts/receipt-pdf.js';
import { ReceiptService } from '../../hub/receipts/receipt-service.js';
import type { Connection } from '../../infra/mongo.js';
import { lineOf, newLine, settlingPayment } from '../hub-payments/fixtures.js';
import { isolatedMongo } from '../support/isolation.js';

/** Only names are read from the registry here. */
const billers = {
  get: (id: string) =>
    id === 'state-electricity' ? { descriptor: { name: 'State Electricity Distribution Co.' } } : undefined,
} as unknown as BillerRegistry;

describe('receipts', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let payments: PaymentStore;
  let receipts: ReceiptService;

  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('receipts'));
    payments = new PaymentStore(conn);
    receipts = new ReceiptService(conn, billers);
    await Promise.all([payments.init(), receipts.init()]);
  });
  afterAll(() => drop());

  /** A payment whose first line was settled and second refunded. */
  async function partlyRefunded(): Promise<Payment> {
    const p = await settlingPayment(payments, {
      lines: [newLine({ billerId: 'state-electricity', amountMinor: 125_050 }), newLine({ amountMinor: 40_000 })],
    });
    const [first, second] = [lineOf(p, 0)._id, lineOf(p, 1)._id];
    await payments.transitionLine(p._id, first, 'pending', 'posting', 'posting');
    await payments.transitionLine(p._id, first, 'posting', 'settled', 'settled', { billerReference: 'EB-RCPT-1' });
    await payments.transitionLine(p._id, second, 'pending', 'failed', 'rejected', { failureCode: 'BP_BLOCKED' });
    await payments.transitionLine(p._id, second, 'failed', 'refunding', 'refunding');
    await payments.transitionLine(p._id, second, 'refunding', 'refunded', 'refunded');
    const final = await payments.settleCompletion(p._id);
    if (!final) throw new Error('payment did not become final');
    return final;
  }

  it('is not issued before the payment is final', async () => {
    const p = await settlingPayment(payments);
    expect(await receipts.issue(p)).toBeNull();
  });

  it('is issued once with every line, its status and the amounts paid and refunded', async () => {
    const p = await partlyRefunded();
    expect(p.status).toBe('partially_refunded');
    const [receipt, again] = await Promise.all([receipts.issue(p), receipts.issue(p)]);
    expect(again?._id).toBe(receipt?._id);
    expect(receipt).toMatchObject({
      _id: `RCT${p._id.slice(3)}`,
      status: 'partially_refunded',
      totalMinor: 165_050,
      settledMinor: 125_050,
      refundedMinor: 40_000,
    });
    expect(receipt?.lines.map((l) => [l.billerName, l.status, l.billerReference])).toEqual([
      ['State Electricity Distribution Co.', 'settled', 'EB-RCPT-1'],
      [lineOf(p, 1).billerId, 'refunded', undefined],
    ]);
    expect(await receipts.forCitizen(p._id, 'someone-else')).toBeNull();
    expect((await receipts.forCitizen(p._id, p.citizenSub))?._id).toBe(receipt?._id);
  });

  it('renders as a PDF titled with the receipt number', async () => {
    const p = await partlyRefunded();
    const receipt = await receipts.issue(p);
    const pdf = await renderReceiptPdf(receipt as NonNullable<typeof receipt>);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain(`Receipt ${receipt?._id}`);
  });

  it('formats paise as rupees exactly, with Indian grouping', () => {
    expect(formatRupees(125_050)).toBe('Rs 1,250.50');
    expect(formatRupees(1_23_45_678_09)).toBe('Rs 1,23,45,678.09');
    expect(formatRupees(5)).toBe('Rs 0.05');
  });
});
