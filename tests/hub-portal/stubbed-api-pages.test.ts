import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Due, PaymentView, ReceiptJson, VerifiedReceiptJson } from '../../hub/portal/api/types.js';
import { CitizenBrowser, heading, signIn } from './support/citizen.js';
import type { PortalStack } from './support/portal-stack.js';
import { jsonAnswer as json, problemAnswer as problem, stubBill } from './support/stub-answers.js';
import { type StubbedPortal, startStubbedPortal } from './support/stubbed-portal.js';

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

/** A payment as GET /payments/{id} shows it: `status` settling (pending) or completed (final). */
function paymentView(id: string, status: 'settling' | 'completed'): PaymentView {
  return {
    id,
    status,
    displayStatus: status,
    currency: 'INR',
    totalMinor: 61700,
    createdAt: '2026-11-30T09:00:00.000Z',
    lines: [
      {
        id: 'line_1',
        billerId: 'city-water',
        consumerMasked: '******4512',
        billNumber: 'WB-1',
        amountMinor: 61700,
        status: status === 'completed' ? 'settled' : 'posting',
        displayStatus: status === 'completed' ? 'settled' : 'posting',
      },
    ],
  };
}
const PENDING_ID = 'pay_stub_pending';
/** A completed payment whose receipt the worker has not issued yet (the API answers 404 receipt_not_found). */
const RECEIPT_LATER_ID = 'pay_stub_receipt_later';
/** Receipts of payments made by other methods: /payments/pay_stub_by_<method>/receipt. */
const BY_METHOD = /^\/payments\/pay_stub_by_(\w+)\/receipt$/;

/** /dues as the API answers it: a bill with a rebate, one with a late fee, one paid, one biller down. */
const DUES: { dues: Due[] } = {
  dues: [
    {
      account: { id: 'acc_early', billerId: 'city-water', nickname: 'Home', consumerMasked: '******4512' },
      bill: stubBill('WB-1', 62900, { earlyPayment: { until: '2026-12-05', amountMinor: 61700 } }),
      payable: {
        day: '2026-11-30',
        amountMinor: 61700,
        amountDueMinor: 62900,
        applied: 'early_payment_rebate',
        adjustmentMinor: -1200,
      },
      checkoutLine: { accountId: 'acc_early', billNumber: 'WB-1', amountMinor: 61700 },
    },
    {
      account: { id: 'acc_late', billerId: 'state-electricity', nickname: 'Shop', consumerMasked: '********6571' },
      bill: stubBill('EB-2', 33518, { latePayment: { from: '2026-11-19', amountMinor: 36018 } }),
      payable: {
        day: '2026-11-30',
        amountMinor: 36018,
        amountDueMinor: 33518,
        applied: 'late_fee',
        adjustmentMinor: 2500,
      },
      checkoutLine: { accountId: 'acc_late', billNumber: 'EB-2', amountMinor: 36018 },
    },
    {
      account: { id: 'acc_paid', billerId: 'metro-gas', nickname: 'Gas', consumerMasked: '******4567' },
      bill: stubBill('GS-3', 81000),
      payable: { day: '2026-11-30', amountMinor: 81000, amountDueMinor: 81000, applied: 'none', adjustmentMinor: 0 },
      checkoutLine: { accountId: 'acc_paid', billNumber: 'GS-3', amountMinor: 81000 },
      paid: { paymentId: 'pay_done', status: 'completed' },
    },
    {
      account: { id: 'acc_down', billerId: 'metro-gas', nickname: 'Flat', consumerMasked: '******9999' },
      error: { code: 'biller_unavailable', detail: 'timeout', retryable: true },
    },
  ],
};

let stack: PortalStack;
let portal: StubbedPortal | undefined;

beforeAll(async () => {
  portal = await startStubbedPortal((path) => {
    if (path === `/payments/${RECEIPT.paymentId}/receipt`)
      return { status: 200, type: 'application/json', body: JSON.stringify(RECEIPT) };
    if (path === `/payments/${RECEIPT.paymentId}/receipt.pdf`)
      return { status: 200, type: 'application/pdf', body: Buffer.from('%PDF-1.7\n%stub\n') };
    if (path === '/receipts/verify?t=good-token')
      return { status: 200, type: 'application/json', body: JSON.stringify(VERIFIED) };
    if (path.startsWith('/receipts/verify')) return problem(404, 'not_found');
    if (path === '/dues') return { status: 200, type: 'application/json', body: JSON.stringify(DUES) };
    if (path === `/payments/${PENDING_ID}`) return json(paymentView(PENDING_ID, 'settling'));
    if (path === `/payments/${RECEIPT_LATER_ID}`) return json(paymentView(RECEIPT_LATER_ID, 'completed'));
    if (path === `/payments/${RECEIPT_LATER_ID}/receipt`) return problem(404, 'receipt_not_found');
    if (path === `/payments/${RECEIPT.paymentId}`) return json(paymentView(RECEIPT.paymentId, 'completed'));
    const method = BY_METHOD.exec(path)?.[1];
    if (method) return json({ ...RECEIPT, paymentId: `pay_stub_by_${method}`, method });
    return undefined;
  });
  stack = portal.stack;
});
afterAll(() => portal?.close());

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
      'data-testid="receipt-method">UPI<',
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

  it('the payment method is in words in each language, and an unknown one is named as the gateway gave it', async () => {
    const { browser } = await signIn(stack);
    const method = async (name: string) =>
      (await browser.go(`${stack.portal}/payments/pay_stub_by_${name}/receipt`)).html.match(
        /data-testid="receipt-method">([^<]*)</,
      )?.[1];
    expect(await method('card')).toBe('Card');
    expect(await method('netbanking')).toBe('Net banking');
    expect(await method('wallet')).toBe('Wallet');
    expect(await method('emi')).toBe('Another method (emi)');
    const english = await browser.go(`${stack.portal}/payments/pay_stub_by_card/receipt`);
    await browser.post(english, `${stack.portal}/language`, { lang: 'hi', returnTo: '/' });
    expect(await method('card')).toBe('कार्ड');
    expect(await method('upi')).toBe('यूपीआई (UPI)');
    const hindi = await browser.go(`${stack.portal}/`);
    await browser.post(hindi, `${stack.portal}/language`, { lang: 'bn', returnTo: '/' });
    expect(await method('netbanking')).toBe('নেট ব্যাংকিং');
  });

  it('each bill’s breakup folds away in a details element, while the rebate and amount stay in view', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/payments/${RECEIPT.paymentId}/receipt`);
    const details = [...page.html.matchAll(/<details[\s\S]*?<\/details>/g)].map((m) => m[0]);
    expect(details).toHaveLength(2);
    expect(details[0]).toContain('What the bill is made of (taxes and charges)');
    expect(details[0]).toContain('Energy charges');
    expect(details[0]).toContain('₹1,75,000.00');
    const outside = page.html.replace(/<details[\s\S]*?<\/details>/g, '');
    expect(outside).toContain('Early-payment rebate');
    expect(outside).toContain('₹1,80,000.00');
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

describe('the dashboard with a biller down', () => {
  it('each payable bill’s checkbox is a govuk checkbox whose visible label is the biller’s name, described by its amount', async () => {
    const { page } = await signIn(stack);
    const label = (id: string) =>
      page.html.match(
        new RegExp(`<label class="govuk-label govuk-checkboxes__label[^"]*" for="pay-${id}"[^>]*>([\\s\\S]*?)</label>`),
      )?.[1];
    // The name is visible text, not wrapped in govuk-visually-hidden; only the consumer is hidden.
    expect(label('acc_early')).toBe(
      'City Water Supply and Sewerage Board<span class="govuk-visually-hidden">, ******4512</span>',
    );
    expect(label('acc_late')).toBe(
      'State Electricity Distribution Co.<span class="govuk-visually-hidden">, ********6571</span>',
    );
    expect(page.html).toMatch(
      /<input class="govuk-checkboxes__input" id="pay-acc_early"[^>]*aria-describedby="payable-acc_early nickname-acc_early"/,
    );
    expect(page.html).toContain(
      '<span class="app-amount govuk-!-font-weight-bold" id="payable-acc_early" data-testid="due-payable">₹617.00</span>',
    );
    expect(page.html).toContain('id="nickname-acc_early">Home</div>');
    expect(page.html).toContain('Select the bills you want to pay.');
  });

  it('each bill shows today’s amount and why (rebate, late fee), a paid bill is marked, and a failing biller gets only its own error row', async () => {
    const { page } = await signIn(stack);
    expect(page.status).toBe(200);
    const rows = [...page.html.matchAll(/<tr class="govuk-table__row" data-testid="due-row"[\s\S]*?<\/tr>/g)].map(
      (m) => m[0],
    );
    expect(rows).toHaveLength(4);
    const [early, late, paid, down] = rows as [string, string, string, string];
    expect(early).toContain('₹617.00');
    expect(early).toContain('Includes an early-payment rebate of ₹12.00 if you pay by 5 December 2026.');
    expect(early).toContain('data-testid="due-select"');
    expect(late).toContain('₹360.18');
    expect(late).toContain('Includes a late fee of ₹25.00, charged since 19 November 2026.');
    expect(paid).toContain('data-state="paid"');
    expect(paid).toContain('href="/payments/pay_done" data-testid="due-payment-link"');
    expect(paid).not.toContain('data-testid="due-select"');
    // Paid: no amount payable today (₹810.00) and no select; "Paid" and the payment instead.
    expect(paid).not.toContain('₹810.00');
    expect(paid).not.toContain('data-testid="due-payable"');
    expect(paid).toContain('Paid</strong>');
    expect(down).toContain('data-state="error"');
    expect(down).toContain('Metro Piped Natural Gas Ltd. is not answering just now. Try again in a few minutes.');
    expect(page.html).toContain('data-testid="pay-selected"');
  });
});

describe('the payment status page (WCAG 2.2.1: reloading is the citizen’s choice)', () => {
  it('a payment in progress shows its status in words, Check again and the offer to check automatically, without a meta refresh', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/payments/${PENDING_ID}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(
      'role="status" data-testid="payment-status" data-status="settling">Payment received, sending it to the billers<',
    );
    expect(page.html).not.toContain('http-equiv="refresh"');
    expect(page.html).not.toContain('data-testid="refresh-hint"');
    // "Check again" is a real button of a GET form that loads this page again.
    expect(page.html).toMatch(
      new RegExp(
        `<form method="get" action="/payments/${PENDING_ID}" class="govuk-button-group">\\s*<button type="submit" class="govuk-button govuk-button--secondary"[^>]*data-testid="check-again">\\s*Check again\\s*</button>`,
      ),
    );
    expect(page.html).toContain(
      `<a class="govuk-link" href="/payments/${PENDING_ID}?auto=1" data-testid="check-automatically">Check automatically every 5 seconds</a>`,
    );
  });

  it('checking automatically reloads every 5 seconds, says so, and offers to stop', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/payments/${PENDING_ID}?auto=1`);
    expect(page.html).toContain('<meta http-equiv="refresh" content="5">');
    expect(page.html).toContain('This page checks again every 5 seconds until the payment is finished.');
    expect(page.html).toContain(
      `<a class="govuk-link" href="/payments/${PENDING_ID}" data-testid="stop-checking">Stop checking automatically</a>`,
    );
    expect(page.html).not.toContain('data-testid="check-automatically"');
  });

  it('a final payment never reloads, even when checking automatically was on, and links its receipt', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/payments/${RECEIPT.paymentId}?auto=1`);
    expect(page.html).toContain('data-status="completed"');
    expect(page.html).not.toContain('http-equiv="refresh"');
    expect(page.html).not.toContain('data-testid="stop-checking"');
    expect(page.html).not.toContain('data-testid="check-again"');
    expect(page.html).toContain('data-testid="receipt-link"');
  });

  it('a payment final a moment before its receipt is issued says the receipt is being prepared, and offers to check again', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/payments/${RECEIPT_LATER_ID}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-status="completed"');
    expect(page.html).toContain('data-testid="receipt-preparing"');
    expect(page.html).toContain('data-testid="check-again"');
    expect(page.html).not.toContain('data-testid="receipt-link"');
  });

  it('the words for checking again are in Hindi and Bengali too', async () => {
    const { browser } = await signIn(stack);
    const english = await browser.go(`${stack.portal}/payments/${PENDING_ID}`);
    const hindi = await browser.post(english, `${stack.portal}/language`, {
      lang: 'hi',
      returnTo: `/payments/${PENDING_ID}`,
    });
    expect(hindi.html).toContain('फिर से जाँचें');
    expect(hindi.html).toContain('हर 5 सेकंड में अपने आप जाँचें');
    const bengali = await browser.post(hindi, `${stack.portal}/language`, {
      lang: 'bn',
      returnTo: `/payments/${PENDING_ID}?auto=1`,
    });
    expect(bengali.html).toContain('নিজে থেকে দেখা বন্ধ করুন');
  });
});
