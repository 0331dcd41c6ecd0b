import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillerRegistry } from '../../adapters/registry/index.js';
import { type Payment, PaymentStore } from '../../hub/payments/index.js';
import { receiptModel } from '../../hub/receipts/receipt-model.js';
import { renderReceiptPdf } from '../../hub/receipts/receipt-pdf.js';
import { receiptViewSchema } from '../../hub/receipts/receipt-schemas.js';
import { ReceiptService } from '../../hub/receipts/receipt-service.js';
import { bindingOf, ReceiptTokens } from '../../hub/receipts/receipt-tokens.js';
import type { Connection } from '../../infra/mongo.js';
import { lineOf, newLine, settlingPayment } from '../hub-payments/fixtures.js';
import { isolatedMongo } from '../support/isolation.js';

/** Only names are read from the registry here. */
const billers = {
  get: (id: string) =>
    id === 'state-electricity' ? { descriptor: { name: 'State Electricity Distribution Co.' } } : undefined,
} as unknown as BillerRegistry;

const PUBLIC_URL = 'https://billpay.example.in';
const KEY = 'receipt-test-signing-key-0123456789abcdef';

/** A line as a checkout records it now: the bill's period, breakup and the rebate that applied. */
const electricityLine = newLine({
  billerId: 'state-electricity',
  consumer: { consumerNumber: '1002003004' },
  consumerMasked: '******3004',
  // The discom's bill numbers embed the consumer number.
  billNumber: 'EB1002003004-2611',
  amountMinor: 125_050,
  bill: {
    periodStart: '2026-10-01',
    periodEnd: '2026-10-31',
    amountDueMinor: 127_550,
    breakup: [
      { label: 'Energy charge', amountMinor: 110_000 },
      { label: 'Fixed charge', amountMinor: 7_550 },
      { label: 'Electricity duty', amountMinor: 10_000 },
    ],
    adjustment: { kind: 'rebate', amountMinor: -2_500 },
  },
});

describe('receipts', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let payments: PaymentStore;
  let receipts: ReceiptService;

  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('receipts'));
    payments = new PaymentStore(conn);
    receipts = new ReceiptService(conn, billers, { publicUrl: PUBLIC_URL, tokens: new ReceiptTokens([KEY]) });
    await Promise.all([payments.init(), receipts.init()]);
  });
  afterAll(() => drop());

  /** A payment by Meera Das whose first line was settled and second refunded. */
  async function partlyRefunded(): Promise<Payment> {
    const p = await settlingPayment(payments, {
      lines: [electricityLine, newLine({ amountMinor: 40_000 })],
      payerName: 'Meera Das',
    });
    const [first, second] = [lineOf(p, 0)._id, lineOf(p, 1)._id];
    await payments.transitionLine(p._id, first, 'pending', 'posting', 'posting');
    await payments.transitionLine(p._id, first, 'posting', 'settled', 'settled', { billerReference: 'EB-RCPT-1' });
    await payments.transitionLine(p._id, second, 'pending', 'failed', 'rejected', { failureCode: 'BP_BLOCKED' });
    await payments.transitionLine(p._id, second, 'failed', 'refunding', 'refund.requested', { refundKey: second });
    await payments.transitionLine(p._id, second, 'refunding', 'refunded', 'refund.succeeded');
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

  it("the citizen's view carries the payer, payment and gateway facts, every bill's breakup and adjustment, and the refunds", async () => {
    const p = await partlyRefunded();
    await receipts.issue(p);
    const view = await receipts.viewFor(p._id, p.citizenSub);
    if (!view) throw new Error('no view');
    const refundedAt = p.timeline.find((e) => e.event === 'refund.succeeded' && e.lineId === lineOf(p, 1)._id)?.at;
    const capturedAt = p.timeline.find((e) => e.to === 'captured')?.at;

    expect(view).toMatchObject({
      receiptNumber: `RCT${p._id.slice(3)}`,
      paymentId: p._id,
      status: 'partially_refunded',
      payerName: 'Meera Das',
      paidAt: capturedAt,
      method: 'upi',
      gatewayReference: `order_${p._id}`,
      currency: 'INR',
      totalMinor: 165_050,
      settledMinor: 125_050,
      refundedMinor: 40_000,
    });
    expect(view.issuedAt).toBeInstanceOf(Date);
    expect(view.lines[0]).toEqual({
      lineId: lineOf(p, 0)._id,
      billerId: 'state-electricity',
      billerName: 'State Electricity Distribution Co.',
      consumerMasked: '******3004',
      billNumberMasked: '*************2611',
      period: { from: '2026-10-01', to: '2026-10-31' },
      breakup: [
        { label: 'Energy charge', amountMinor: 110_000 },
        { label: 'Fixed charge', amountMinor: 7_550 },
        { label: 'Electricity duty', amountMinor: 10_000 },
      ],
      amountDueMinor: 127_550,
      adjustment: { kind: 'rebate', amountMinor: -2_500 },
      amountMinor: 125_050,
      reference: lineOf(p, 0).reference,
      billerReference: 'EB-RCPT-1',
      status: 'settled',
    });
    expect(view.refunds).toEqual([
      {
        lineId: lineOf(p, 1)._id,
        amountMinor: 40_000,
        reference: lineOf(p, 1)._id,
        at: refundedAt,
        status: 'refunded',
      },
    ]);
    expect(view.verifyUrl).toMatch(/^https:\/\/billpay\.example\.in\/verify\?t=[\w-]+\.[\w-]+\.[\w-]+$/);
    // What the API sends is what its OpenAPI schema says.
    expect(receiptViewSchema.safeParse(JSON.parse(JSON.stringify(view))).error).toBeUndefined();
    expect(await receipts.viewFor(p._id, 'someone-else')).toBeNull();
  });

  it('verifies a genuine token, and refuses one for an unknown receipt, another receipt, or changed facts', async () => {
    const [a, b] = [await partlyRefunded(), await partlyRefunded()];
    const [receiptA, receiptB] = [await receipts.issue(a), await receipts.issue(b)];
    if (!receiptA || !receiptB) throw new Error('not issued');
    const viewA = await receipts.viewFor(a._id, a.citizenSub);
    const token = new URL(viewA?.verifyUrl as string).searchParams.get('t') as string;

    const verified = await receipts.verify(token);
    expect(verified).toEqual({
      receiptNumber: receiptA._id,
      paymentId: a._id,
      paidAt: receiptA.paidAt,
      currency: 'INR',
      totalMinor: 165_050,
      status: 'partially_refunded',
      lines: [
        {
          billerName: 'State Electricity Distribution Co.',
          consumerMasked: '******3004',
          amountMinor: 125_050,
          billerReference: 'EB-RCPT-1',
          status: 'settled',
        },
        { billerName: lineOf(a, 1).billerId, consumerMasked: '*****0300', amountMinor: 40_000, status: 'refunded' },
      ],
    });
    expect(JSON.stringify(verified)).not.toContain('Meera');

    // Signed with our key, but not for a receipt we hold, or for another receipt's facts.
    const tokens = new ReceiptTokens([KEY]);
    const facts = (r: typeof receiptA) => ({
      receiptNumber: r._id,
      paymentId: r.paymentId,
      currency: r.currency,
      totalMinor: r.totalMinor,
    });
    expect(
      await receipts.verify(await tokens.sign({ ...facts(receiptA), receiptNumber: 'RCT00000000000000000000' })),
    ).toBeNull();
    const crossed = await new SignJWT({ r: receiptA._id, h: bindingOf(facts(receiptB)) })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(KEY));
    expect(await receipts.verify(crossed)).toBeNull();
    // A token of another service's key: refused.
    const other = new ReceiptService(conn, billers, {
      tokens: new ReceiptTokens(['another-hub-key-0123456789abcdefgh']),
    });
    expect(await other.verify(token)).toBeNull();
    // The stored total changed behind the hub's back: the token no longer matches.
    await receiptModel(conn).updateOne({ _id: receiptA._id }, { $set: { totalMinor: 1 } });
    expect(await receipts.verify(token)).toBeNull();
  });

  it('never shows a consumer number in full, not even inside the bill number', async () => {
    const p = await partlyRefunded();
    await receipts.issue(p);
    const view = await receipts.viewFor(p._id, p.citizenSub);
    const json = JSON.stringify(view);
    expect(json).not.toContain('1002003004');
    expect(json).not.toContain('EB1002003004');
    expect(view?.lines[0]?.billNumberMasked).toBe('*************2611');
  });

  it('an old receipt, issued before payer, gateway reference, bill facts and refunds were kept, still shows and renders', async () => {
    const p = await partlyRefunded();
    // As receipts were stored before issue 9: no payerName, gatewayReference, bill or refunds.
    await receiptModel(conn).collection.insertOne({
      _id: `RCT${p._id.slice(3)}` as never,
      paymentId: p._id,
      citizenSub: p.citizenSub,
      status: 'partially_refunded',
      method: 'upi',
      currency: 'INR',
      totalMinor: 165_050,
      settledMinor: 125_050,
      refundedMinor: 40_000,
      lines: [
        {
          lineId: 'LIN-old-1',
          billerId: 'state-electricity',
          billerName: 'State Electricity Distribution Co.',
          consumerMasked: '******3004',
          billNumber: 'EB1002003004-2611',
          amountMinor: 125_050,
          reference: 'HUB-old-1',
          billerReference: 'EB-OLD-1',
          status: 'settled',
        },
        {
          lineId: 'LIN-old-2',
          billerId: 'water-board',
          billerName: 'water-board',
          consumerMasked: '*****0300',
          billNumber: 'B-1',
          amountMinor: 40_000,
          reference: 'HUB-old-2',
          status: 'refunded',
        },
      ],
      paidAt: new Date('2026-06-01T05:00:00Z'),
      issuedAt: new Date('2026-06-01T05:01:00Z'),
    });

    const view = await receipts.viewFor(p._id, p.citizenSub, { name: 'Meera Das' });
    expect(view).toMatchObject({
      payerName: 'Meera Das',
      lines: [
        { breakup: [], billNumberMasked: '*************2611', status: 'settled' },
        { breakup: [], billNumberMasked: 'B-1', status: 'refunded' },
      ],
      refunds: [{ lineId: 'LIN-old-2', amountMinor: 40_000, status: 'refunded' }],
    });
    expect(view?.lines[0]).not.toHaveProperty('period');
    expect(view?.lines[0]).not.toHaveProperty('adjustment');
    const pdf = await renderReceiptPdf(view as NonNullable<typeof view>);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
