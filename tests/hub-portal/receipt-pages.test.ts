import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceiptJson, VerifiedReceiptJson } from '../../hub/portal/api/types.js';
import { startApiStub } from './support/api-stub.js';
import { CitizenBrowser, heading, signIn } from './support/citizen.js';
import { type PortalStack, startPortalStack } from './support/portal-stack.js';

const RECEIPT: ReceiptJson = {
  receiptNumber: 'RCT7F3K9Q2M',
  paymentId: 'pay_stub_0001',
  status: 'partially_refunded',
  payerName: 'Asha Devi',
  paidAt: '2026-11-30T09:05:00.000Z',
  issuedAt: '2026-11-30T09:06:00.000Z',
  method: 'upi',
  gatewayReference: 'order_ABC123',
  currency: 'INR',
  totalMinor: 18260700,
  settledMinor: 18000000,
  refundedMinor: 260700,
  lines: [
    {
      lineId: 'line_1',
      billerId: 'state-electricity',
      billerName: 'State Electricity Distribution Co.',
      consumerMasked: '******3004',
      billNumberMasked: 'EB-******3004-11',
      period: { from: '2026-10-01', to: '2026-10-31' },
      breakup: [
        { label: 'Energy charges', amountMinor: 17500000 },
        { label: 'Electricity duty', amountMinor: 550000 },
      ],
      adjustment: { kind: 'rebate', amountMinor: -50000 },
      amountMinor: 18000000,
      reference: 'HUB-REF-1',
      billerReference: 'SEDC-998877',
      status: 'settled',
    },
    {
      lineId: 'line_2',
      billerId: 'city-water',
      billerName: 'City Water Board',
      consumerMasked: '******4512',
      billNumberMasked: 'W-****4512',
      breakup: [{ label: 'Water charges', amountMinor: 260700 }],
      amountMinor: 260700,
      reference: 'HUB-REF-2',
      status: 'refunded',
    },
  ],
  refunds: [
    { lineId: 'line_2', amountMinor: 260700, reference: 'rfnd_1', at: '2026-11-30T10:00:00.000Z', status: 'processed' },
  ],
  verifyUrl: 'http://127.0.0.1/verify?t=good-token',
};

const VERIFIED: VerifiedReceiptJson = {
  receiptNumber: RECEIPT.receiptNumber,
  paymentId: RECEIPT.paymentId,
  paidAt: RECEIPT.paidAt,
  currency: 'INR',
  totalMinor: RECEIPT.totalMinor,
  status: 'partially_refunded',
  lines: [
    {
      billerName: 'State Electricity Distribution Co.',
      consumerMasked: '******3004',
      amountMinor: 18000000,
      billerReference: 'SEDC-998877',
      status: 'settled',
    },
  ],
};

let stack: PortalStack;
let stub: Awaited<ReturnType<typeof startApiStub>>;
const problem = (status: number, code: string) => ({
  status,
  type: 'application/problem+json',
  body: JSON.stringify({ type: `urn:problem:${code}`, title: code, status, code, detail: code }),
});

beforeAll(async () => {
  stub = await startApiStub((path) => {
    if (path === `/payments/${RECEIPT.paymentId}/receipt`)
      return { status: 200, type: 'application/json', body: JSON.stringify(RECEIPT) };
    if (path === `/payments/${RECEIPT.paymentId}/receipt.pdf`)
      return { status: 200, type: 'application/pdf', body: Buffer.from('%PDF-1.7\n%stub\n') };
    if (path === '/receipts/verify?t=good-token')
      return { status: 200, type: 'application/json', body: JSON.stringify(VERIFIED) };
    if (path.startsWith('/receipts/verify')) return problem(404, 'not_found');
    return undefined;
  });
  stack = await startPortalStack({ env: { PORTAL_API_URL: stub.url } });
  stub.target(stack.hub.url);
});
afterAll(async () => {
  await stack?.close();
  stub?.close();
});

describe('receipt pages on the contract’s receipt shape', () => {
  it('the receipt page shows every part of the receipt in rupees and IST, with the QR code and PDF link', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/payments/${RECEIPT.paymentId}/receipt`);
    expect(page.status).toBe(200);
    expect(heading(page)).toBe('Receipt RCT7F3K9Q2M');
    for (const text of [
      'Asha Devi',
      'pay_stub_0001',
      '30 November 2026 at 2:35 pm IST',
      'upi',
      'order_ABC123',
      'Partly paid: some bills were refunded',
      '₹1,82,607.00',
      '₹1,80,000.00',
      '₹2,607.00',
      'State Electricity Distribution Co.',
      '******3004',
      'EB-******3004-11',
      '1 October 2026 to 31 October 2026',
      'Energy charges',
      '₹1,75,000.00',
      'Early-payment rebate',
      '−₹500.00',
      'HUB-REF-1',
      'SEDC-998877',
      'Paid to the biller',
      'rfnd_1',
      '30 November 2026 at 3:30 pm IST',
      'http://127.0.0.1/verify?t=good-token',
    ]) {
      expect(page.html, text).toContain(text);
    }
    expect(page.html).toContain('data-testid="receipt-qr"');
    expect(page.html).toMatch(/<svg[^>]*viewBox/);
    expect(page.html).toContain(`href="/payments/${RECEIPT.paymentId}/receipt.pdf"`);
  });

  it('the receipt speaks Bengali with Bengali digits when the citizen chose it', async () => {
    const { browser } = await signIn(stack);
    const receiptUrl = `${stack.portal}/payments/${RECEIPT.paymentId}/receipt`;
    const english = await browser.go(receiptUrl);
    const bengali = await browser.post(english, `${stack.portal}/language`, {
      lang: 'bn',
      returnTo: `/payments/${RECEIPT.paymentId}/receipt`,
    });
    expect(bengali.url).toBe(receiptUrl);
    expect(bengali.html).toContain('<html lang="bn"');
    expect(bengali.html).toContain('₹১,৮২,৬০৭.০০');
    expect(bengali.html).toContain('রসিদ');
  });

  it('the PDF comes through the session as an attachment', async () => {
    const { browser } = await signIn(stack);
    const res = await browser.raw(`${stack.portal}/payments/${RECEIPT.paymentId}/receipt.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="receipt-${RECEIPT.paymentId}.pdf"`);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('%PDF-1.7\n%stub\n');
  });
});

describe('the public verification page', () => {
  it('a genuine receipt’s token shows what it proves, without signing in', async () => {
    const page = await new CitizenBrowser().go(`${stack.portal}/verify?t=good-token`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-genuine="true"');
    expect(page.html).toContain('This is a genuine receipt');
    expect(page.html).toContain('₹1,82,607.00');
    expect(page.html).toContain('SEDC-998877');
    expect(page.html).not.toContain('Asha Devi');
  });

  it('any other token is clearly not a genuine receipt', async () => {
    const page = await new CitizenBrowser().go(`${stack.portal}/verify?t=forged`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-genuine="false"');
    expect(page.html).toContain('This is not a genuine receipt');
  });

  it('a link without a token says it is incomplete', async () => {
    const page = await new CitizenBrowser().go(`${stack.portal}/verify`);
    expect(page.status).toBe(400);
    expect(page.html).toContain('This link is incomplete');
  });
});
