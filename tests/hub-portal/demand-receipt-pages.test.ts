import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentView, ReceiptJson } from '../../hub/portal/api/types.js';
import { CitizenBrowser, signIn } from './support/citizen.js';
import type { PortalStack } from './support/portal-stack.js';
import { jsonAnswer as json } from './support/stub-answers.js';
import { type StubbedPortal, startStubbedPortal } from './support/stubbed-portal.js';

const REF = 'DM-XBEEJ-NADMF-G';

/** The demand facts a receipt line records (hub/receipts/receipt-demand.ts). */
const DEMAND_FACTS = {
  reference: REF,
  providerName: 'City Community Halls',
  title: 'Community hall booking',
  instalments: [{ number: 1, dueDate: '2026-12-05', amountMinor: 118_000, lateFeeMinor: 0, discountMinor: 5_000 }],
  instalmentCount: 3,
  totalMinor: 354_000,
  items: [
    {
      description: 'Hall rent',
      amountMinor: 300_000,
      taxes: [
        { name: 'CGST', amountMinor: 27_000 },
        { name: 'SGST', amountMinor: 27_000 },
      ],
      totalMinor: 354_000,
    },
  ],
  remaining: { count: 2, amountMinor: 236_000, nextDueDate: '2027-01-04' },
};

/** A wallet-paid demand's receipt as GET /payments/{id}/receipt answers it. */
const WALLET_RECEIPT: ReceiptJson = {
  receiptNumber: 'RCTWALLET0001',
  paymentId: 'pay_stub_wallet',
  status: 'completed',
  paidAt: '2026-11-30T09:05:00.000Z',
  issuedAt: '2026-11-30T09:06:00.000Z',
  method: 'wallet',
  gatewayReference: 'WT225080178685',
  currency: 'INR',
  totalMinor: 113_000,
  settledMinor: 113_000,
  refundedMinor: 0,
  lines: [
    {
      lineId: 'line_1',
      billerId: 'demand:halls',
      billerName: 'City Community Halls',
      consumerMasked: REF,
      billNumberMasked: `${REF}/1`,
      breakup: [{ label: 'Instalment 1 of 3', amountMinor: 118_000 }],
      amountDueMinor: 118_000,
      adjustment: { kind: 'rebate', amountMinor: -5_000 },
      amountMinor: 113_000,
      reference: 'WLTP8WBJCR4ZKCHBBZ9KDJY',
      billerReference: `${REF}/1`,
      status: 'settled',
      demand: DEMAND_FACTS,
    },
  ],
  refunds: [],
  verifyUrl: 'http://127.0.0.1/verify?t=good-token',
};

/** A payment the gateway turned down: `lines` as the API shows them (never sent to a biller). */
function failedPayment(id: string, lines: PaymentView['lines']): PaymentView {
  return {
    id,
    status: 'failed',
    displayStatus: 'failed',
    currency: 'INR',
    totalMinor: lines.reduce((sum, line) => sum + line.amountMinor, 0),
    createdAt: '2026-11-30T09:00:00.000Z',
    lines,
  };
}
const demandLine = {
  id: 'line_d',
  billerId: 'payment-demands',
  consumerMasked: '************HJ-5',
  billNumber: 'DM-FPFWM-0X8HJ-5/1',
  demandReference: 'DM-FPFWM-0X8HJ-5',
  amountMinor: 35_000,
  status: 'pending',
  displayStatus: 'pending',
};
const waterLine = {
  id: 'line_w',
  billerId: 'city-water',
  consumerMasked: '******4512',
  billNumber: 'WB-1',
  amountMinor: 61_700,
  status: 'pending',
  displayStatus: 'pending',
};
/** The same demand line refunded (the demand was cancelled while it was being paid). */
const REFUNDED_RECEIPT: ReceiptJson = {
  ...WALLET_RECEIPT,
  paymentId: 'pay_stub_refunded',
  lines: WALLET_RECEIPT.lines.map((line) => ({ ...line, status: 'refunded' })),
};
const FAILED_DEMAND = failedPayment('pay_failed_demand', [demandLine] as PaymentView['lines']);
const FAILED_MIXED = failedPayment('pay_failed_mixed', [demandLine, waterLine] as PaymentView['lines']);

let stack: PortalStack;
let portal: StubbedPortal | undefined;

beforeAll(async () => {
  portal = await startStubbedPortal((path) => {
    if (path === `/payments/${WALLET_RECEIPT.paymentId}/receipt`) return json(WALLET_RECEIPT);
    if (path === `/payments/${REFUNDED_RECEIPT.paymentId}/receipt`) return json(REFUNDED_RECEIPT);
    if (path === `/payments/${FAILED_DEMAND.id}`) return json(FAILED_DEMAND);
    if (path === `/payments/${FAILED_MIXED.id}`) return json(FAILED_MIXED);
    return undefined;
  });
  stack = portal.stack;
});
afterAll(() => portal?.close());

/** The page's text, tags stripped and spaces squeezed. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

describe('a demand on the receipt page (F3, F4)', () => {
  it('names the provider and request, shows the reference in full, instalments paid, taxes and what is left', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/payments/${WALLET_RECEIPT.paymentId}/receipt`);
    const text = textOf(page.html);
    for (const expected of [
      'City Community Halls',
      'Request Community hall booking',
      `Demand reference ${REF}`,
      'Instalments paid 1 of 3 (due 5 December 2026)',
      'Tax breakup of the whole request (₹3,540.00)',
      'Hall rent: taxable value ₹3,000.00',
      'CGST ₹270.00',
      'SGST ₹270.00',
      'Still to pay after this payment ₹2,360.00: 2 instalments, next due 4 January 2027',
      'Wallet transaction id WT225080178685',
      `Biller reference ${REF}/1`,
    ]) {
      expect(text, expected).toContain(expected);
    }
    expect(text).not.toContain('Gateway reference');
    expect(text).not.toContain('Billing period');
    expect(text).not.toContain('*****');
  });

  it('says the same in Hindi and Bengali', async () => {
    const { browser } = await signIn(stack);
    const url = `${stack.portal}/payments/${WALLET_RECEIPT.paymentId}/receipt`;
    const english = await browser.go(url);
    const hindi = textOf(
      (await browser.post(english, `${stack.portal}/language`, { lang: 'hi', returnTo: new URL(url).pathname })).html,
    );
    expect(hindi).toContain('वॉलेट लेनदेन आईडी WT225080178685');
    expect(hindi).toContain(`माँग संदर्भ संख्या ${REF}`);
    expect(hindi).toContain('चुकाई गई किस्तें 3 में से 1');
    expect(hindi).toContain('इस भुगतान के बाद बाकी ₹2,360.00: 2 किस्तें');
    const bengali = textOf(
      (await browser.post(english, `${stack.portal}/language`, { lang: 'bn', returnTo: new URL(url).pathname })).html,
    );
    expect(bengali).toContain('ওয়ালেট লেনদেন আইডি WT225080178685');
    expect(bengali).toContain('৩টির মধ্যে ১');
    expect(bengali).toContain('পুরো অনুরোধের কর বিবরণ (₹৩,৫৪০.০০)');
  });

  it('a refunded demand line names its instalments without calling them paid, and says nothing of what is left', async () => {
    const { browser } = await signIn(stack);
    const text = textOf((await browser.go(`${stack.portal}/payments/${REFUNDED_RECEIPT.paymentId}/receipt`)).html);
    expect(text).toContain('Instalments 1 of 3');
    expect(text).not.toContain('Instalments paid');
    expect(text).not.toContain('Still to pay after this payment');
    expect(text).not.toContain('paid in full');
  });

  it('a wallet transfer’s receipt leads back to its demand, not to a payment page it never had', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/payments/${WALLET_RECEIPT.paymentId}/receipt`);
    expect(page.html).toContain(`href="/demands/${REF}" data-testid="receipt-back-to-demand"`);
    expect(page.html).not.toContain(`href="/payments/${WALLET_RECEIPT.paymentId}">`);
  });
});

describe('a failed payment page (F10)', () => {
  it('says nothing was taken, shows its lines as not paid (not "waiting"), and offers to try again on the demand', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/payments/${FAILED_DEMAND.id}`);
    const text = textOf(page.html);
    expect(text).toContain('Payment failed');
    expect(text).toContain('No money was taken for this payment');
    expect(text).not.toContain('Waiting');
    expect(page.html).toMatch(/data-testid="payment-line"[\s\S]*?Not paid/);
    // The demand's reference is not a secret: shown in full, and "try again" opens the demand.
    expect(text).toContain('DM-FPFWM-0X8HJ-5');
    expect(page.html).toMatch(/href="\/demands\/DM-FPFWM-0X8HJ-5"[^>]*data-testid="try-again"/);
    const hindi = await browser.post(page, `${stack.portal}/language`, {
      lang: 'hi',
      returnTo: `/payments/${FAILED_DEMAND.id}`,
    });
    expect(textOf(hindi.html)).toContain('भुगतान नहीं हुआ');
    expect(textOf(hindi.html)).not.toContain('प्रतीक्षा में');
    expect(textOf(hindi.html)).toContain('फिर से कोशिश करें');
    await browser.post(hindi, `${stack.portal}/language`, { lang: 'en', returnTo: '/' });
  });

  it('a failed payment of a demand and a bill offers to try again from the bills', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/payments/${FAILED_MIXED.id}`);
    expect(page.html).toMatch(/href="\/dashboard"[^>]*data-testid="try-again"/);
  });
});

describe('settings warn of a channel without a verified contact (F19)', () => {
  it('"both" chosen by a citizen who signed in by phone says messages come by text message only', async () => {
    const phone = `97${String(Date.now()).slice(-8)}`;
    const { browser } = await signIn(stack, new CitizenBrowser(), phone, `+91${phone}`);
    const page = await browser.go(`${stack.portal}/settings`);
    expect(page.html).not.toContain('data-testid="channel-warning"');
    await browser.post(page, `${stack.portal}/settings`, { language: 'en', channel: 'both' });
    const saved = await browser.go(`${stack.portal}/settings`);
    expect(textOf(saved.html)).toContain(
      'we have no verified email address for you: your messages come by text message only.',
    );
  });

  it('"text message" chosen by a citizen who signed in by email says messages come by email only', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/settings`);
    await browser.post(page, `${stack.portal}/settings`, { language: 'bn', channel: 'sms' });
    const saved = await browser.go(`${stack.portal}/settings`);
    expect(textOf(saved.html)).toContain('আপনার বার্তা শুধু ইমেলে আসবে');
  });
});
