import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newDemandId } from '../../hub/demands/demand-ids.js';
import { type Demand, demandModel } from '../../hub/demands/index.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import { receiptDemandOf } from '../../hub/receipts/receipt-demand.js';
import type { Receipt, ReceiptLine } from '../../hub/receipts/receipt-model.js';
import { renderReceiptPdf } from '../../hub/receipts/receipt-pdf.js';
import { ReceiptService } from '../../hub/receipts/receipt-service.js';
import { receiptView } from '../../hub/receipts/receipt-views.js';
import type { Connection } from '../../infra/mongo.js';
import { hallRentLineWithTotal } from '../hub-demands/fixtures.js';
import { isolatedMongo } from '../support/isolation.js';
import { firstInstalmentLine, HALL_REF } from './demand-line.js';

const REF = HALL_REF;
const dir = process.env.RECEIPT_PNG_DIR ?? mkdtempSync(join(tmpdir(), 'demand-receipt-'));

/** DM-XBEEJ-NADMF-G of City Community Halls: 3 × ₹1,180 (₹1,000 + CGST ₹90 + SGST ₹90), instalment 1 paid. */
function hallDemand(): Demand {
  const at = new Date('2026-11-30T08:00:00Z');
  return {
    _id: newDemandId(),
    createdBy: 'member-1',
    reference: REF,
    providerId: 'halls',
    providerName: 'City Community Halls',
    payer: { phone: '+919812345678' },
    title: 'Community hall booking, Ward 12',
    currency: 'INR',
    lines: [hallRentLineWithTotal(300_000)],
    totalMinor: 354_000,
    dueDate: '2027-02-04',
    instalments: [
      {
        number: 1,
        dueDate: '2026-12-05',
        amountMinor: 118_000,
        status: 'paid',
        paidMinor: 113_000,
        discountMinor: 5_000,
        paymentId: 'HUB00000000000000000001',
        paidOn: '2026-11-30',
      },
      { number: 2, dueDate: '2027-01-04', amountMinor: 118_000, status: 'open', paidMinor: 0 },
      { number: 3, dueDate: '2027-02-04', amountMinor: 118_000, status: 'open', paidMinor: 0 },
    ],
    status: 'partly_paid',
    paidMinor: 113_000,
    payments: [{ paymentId: 'HUB00000000000000000001', instalments: [1], amountMinor: 113_000, day: '2026-11-30', at }],
    audit: [],
    version: 1,
    live: true,
    createdAt: at,
    updatedAt: at,
  } as Demand;
}

/** The card line as checkout stores it: the generic biller, the consumer (the reference) masked. */
const cardLine = (demand?: Demand): ReceiptLine => ({
  lineId: 'LIN1',
  ...firstInstalmentLine(),
  billerName: 'Payment demands',
  bill: {
    amountDueMinor: 118_000,
    breakup: [
      { label: 'Instalment 1 of 3', amountMinor: 118_000 },
      { label: 'Early-payment discount', amountMinor: -5_000 },
    ],
  },
  ...(demand ? { demand: receiptDemandOf(demand, [1]) } : {}),
});

function receiptOf(lines: ReceiptLine[], extra: Partial<Receipt> = {}): Receipt {
  const at = new Date('2026-11-30T09:00:00Z');
  return {
    _id: 'RCTP8WBJCR4ZKCHBBZ9KDJY',
    paymentId: 'PAYP8WBJCR4ZKCHBBZ9KDJY',
    citizenSub: 'citizen-a',
    status: 'completed',
    method: 'card',
    gatewayReference: 'order_9fK2mX81Qa',
    currency: 'INR',
    totalMinor: 113_000,
    settledMinor: 113_000,
    refundedMinor: 0,
    lines,
    paidAt: at,
    issuedAt: at,
    ...extra,
  };
}

const VERIFY = 'https://billpay.example.gov.in/verify?t=abc';

async function pdfText(name: string, receipt: Receipt): Promise<string> {
  const pdf = join(dir, `${name}.pdf`);
  writeFileSync(pdf, await renderReceiptPdf(receiptView(receipt, VERIFY)));
  execFileSync('pdftoppm', ['-png', '-r', '60', pdf, join(dir, name)], { timeout: 60_000 });
  return execFileSync('pdftotext', ['-layout', pdf, '-'], { timeout: 60_000, encoding: 'utf8' });
}

describe('a payment demand on a receipt (F3, F4)', () => {
  it('the view names the provider and the request, shows the reference in full, and no billing period', () => {
    const [line] = receiptView(receiptOf([cardLine(hallDemand())]), VERIFY).lines;
    expect(line).toMatchObject({
      billerName: 'City Community Halls',
      consumerMasked: REF,
      billNumberMasked: `${REF}/1`,
      demand: {
        title: 'Community hall booking, Ward 12',
        instalments: [{ number: 1, discountMinor: 5_000 }],
        instalmentCount: 3,
        remaining: { count: 2, amountMinor: 236_000, nextDueDate: '2027-01-04' },
      },
    });
    expect(line?.period).toBeUndefined();
    // A receipt issued before demand facts were recorded still shows the reference unmasked.
    expect(receiptView(receiptOf([cardLine()]), VERIFY).lines[0]?.consumerMasked).toBe(REF);
  });

  it('the PDF carries the provider, title, reference in full, instalments paid, tax breakup and what is left', async () => {
    const text = await pdfText('demand-card', receiptOf([cardLine(hallDemand())]));
    for (const expected of [
      'City Community Halls',
      // The title wraps within its column.
      'Community hall booking, Ward',
      REF,
      'Instalments paid',
      '1 of 3 (due 5 Dec 2026)',
      'Tax breakup of the whole request (₹3,540.00)',
      'Hall rent: taxable value',
      'CGST',
      'SGST',
      '₹270.00',
      'Still to pay',
      '₹2,360.00: 2 instalments, next',
      'due 4 Jan 2027',
    ]) {
      expect(text, expected).toContain(expected);
    }
    expect(text).not.toContain('*****');
    expect(text).not.toContain('Payment demands');
    expect(text).not.toContain('Period');
  });

  it('a wallet receipt says "Wallet transaction id", gives the demand reference, and no half-empty period', async () => {
    const demand = hallDemand();
    const wallet: ReceiptLine = {
      ...cardLine(demand),
      lineId: 'WLT1-1',
      billerId: 'demand:halls',
      billerName: demand.title,
      consumerMasked: REF,
      reference: 'WLTP8WBJCR4ZKCHBBZ9KDJY',
      billerReference: `${REF}/1`,
      bill: { periodEnd: '2026-12-05', amountDueMinor: 118_000, breakup: [] },
    };
    const receipt = receiptOf([wallet], { method: 'wallet', gatewayReference: 'WT225080178685' });
    expect(receiptView(receipt, VERIFY).lines[0]?.period).toBeUndefined();
    const text = await pdfText('demand-wallet', receipt);
    expect(text).toContain('Wallet transaction id');
    expect(text).toContain('WT225080178685');
    expect(text).not.toContain('Gateway reference');
    expect(text).toContain(`${REF}/1`);
    expect(text).not.toMatch(/– to|… –/);
  });

  it('a refunded demand line names its instalments but claims neither that they were paid nor that nothing is left', async () => {
    const refunded: ReceiptLine = { ...cardLine(hallDemand()), status: 'refunded' };
    const text = await pdfText('demand-refunded', receiptOf([refunded], { settledMinor: 0, refundedMinor: 113_000 }));
    expect(text).toContain('Instalments');
    expect(text).not.toContain('Instalments paid');
    expect(text).not.toContain('paid in full');
    expect(text).not.toContain('Still to pay');
  });
});

describe('issuing the receipt of a demand payment', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('demand_receipt'));
  });
  afterAll(async () => {
    await drop?.();
  });

  it('records the demand the line paid: provider, title, the instalments its posting recorded, taxes, what remained', async () => {
    const demand = hallDemand();
    // No init first: the service's own first lookup must wait for the model's index build.
    await demandModel(conn).create(demand);
    const billers = { get: () => ({ descriptor: { name: 'Payment demands' } }) };
    const service = new ReceiptService(conn, billers as never);
    await service.init();
    const payment = {
      _id: 'PAYP8WBJCR4ZKCHBBZ9KDJZ',
      citizenSub: 'citizen-a',
      status: 'completed',
      currency: 'INR',
      totalMinor: 113_000,
      timeline: [],
      updatedAt: new Date(),
      lines: [
        {
          _id: 'LIN1',
          ...firstInstalmentLine(),
        },
      ],
    } as unknown as Payment;
    const receipt = await service.issue(payment);
    expect(receipt?.lines[0]?.demand).toMatchObject({
      reference: REF,
      providerName: 'City Community Halls',
      title: 'Community hall booking, Ward 12',
      instalments: [{ number: 1 }],
      items: [{ taxes: [{ name: 'CGST', amountMinor: 27_000 }, { name: 'SGST' }] }],
      remaining: { count: 2, nextDueDate: '2027-01-04' },
    });
  });
});
