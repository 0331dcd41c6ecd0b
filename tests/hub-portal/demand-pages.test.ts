import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newReferenceNumber } from '../../hub/demands/reference-number.js';
import type { CitizenDemand, DemandDue, Dues } from '../../hub/portal/api/types.js';
import { hallRentLineWithTotal, LATE_FEE_2_PERCENT } from '../hub-demands/fixtures.js';
import { completeInteraction } from '../idp/support/relying-party.js';
import { CitizenBrowser, heading, signIn } from './support/citizen.js';
import type { PortalStack } from './support/portal-stack.js';
import { jsonAnswer as json, problemAnswer as problem } from './support/stub-answers.js';
import { type StubbedPortal, startStubbedPortal } from './support/stubbed-portal.js';

// The demand pages against the API's contract shapes (hub/api/routes/citizen-demand-routes.ts, and
// contract section 1 "bill amount options"), served by a stub in front of the real hub: sign-in
// stays real, every demand state is stubbed.

const OPEN = newReferenceNumber();
const PART = newReferenceNumber();
const PAID = newReferenceNumber();
const CANCELLED = newReferenceNumber();
const UNKNOWN = newReferenceNumber();
/** The next instalment being paid by a payment still being confirmed. */
const PAYING = newReferenceNumber();
/** The gateway's hosted page the stub names; the test browser stops there (nothing listens). */
const GATEWAY_ORIGIN = 'http://127.0.0.1:65000';
const GATEWAY = `${GATEWAY_ORIGIN}/hosted/checkout_stub`;

type Demand = CitizenDemand['demand'];

const lines: Demand['lines'] = [hallRentLineWithTotal()];

function demandOf(reference: string, status: Demand['status'], paidFirst: boolean): Demand {
  const instalment = (number: number, dueDate: string): Demand['instalments'][number] => ({
    number,
    dueDate,
    amountMinor: 1_180_000,
    status: status === 'cancelled' ? (number === 1 && paidFirst ? 'paid' : 'cancelled') : 'open',
    paidMinor: 0,
  });
  const instalments = [instalment(1, '2026-11-10'), instalment(2, '2026-12-10'), instalment(3, '2027-01-10')];
  if (paidFirst || status === 'paid') {
    instalments[0] = {
      ...instalments[0],
      status: 'paid',
      paidMinor: 1_203_600,
      lateFeeMinor: 23_600,
      paidOn: '2026-11-20',
    } as Demand['instalments'][number];
  }
  if (status === 'paid') {
    for (const i of [1, 2])
      instalments[i] = {
        ...instalments[i],
        status: 'paid',
        paidMinor: 1_180_000,
        paidOn: '2026-11-25',
      } as Demand['instalments'][number];
  }
  const paidMinor = instalments.reduce((sum, i) => sum + i.paidMinor, 0);
  return {
    reference,
    status,
    title: 'Community hall booking, 14 January',
    providerName: 'City Halls Department',
    currency: 'INR',
    lines,
    totalMinor: 3_540_000,
    dueDate: '2027-01-10',
    instalments,
    lateFee: LATE_FEE_2_PERCENT(),
    earlyDiscount: { off: { kind: 'percent', basisPoints: 150 }, until: '2026-12-05' },
    paidMinor,
    outstandingMinor: instalments.filter((i) => i.status === 'open').reduce((sum, i) => sum + i.amountMinor, 0),
  };
}

/** The due of a demand whose next instalment is `first`: amount options for the open ones, the first with a late fee. */
function dueOf(demand: Demand, first: number, marks: Partial<DemandDue> = {}): DemandDue {
  const open = demand.instalments.filter((i) => i.status === 'open');
  // Today the next instalment is late (₹236 fee), the ones after it early (₹177 off each).
  const costs = open.map((i) => (i.number === first ? 1_203_600 : 1_162_300));
  const options = costs.map((_, n) => ({
    code: `instalments-${n + 1}`,
    label: n === 0 ? `Instalment ${first} of 3` : `Instalments ${first}-${first + n} of 3`,
    amountMinor: costs.slice(0, n + 1).reduce((a, b) => a + b, 0),
  }));
  return {
    demand: {
      reference: demand.reference,
      title: demand.title,
      status: demand.status,
      instalmentCount: 3,
      providerName: demand.providerName,
    },
    bill: {
      billNumber: `${demand.reference}/${first}`,
      customerName: 'a***@example.in',
      billDate: '2026-11-01',
      dueDate: '2026-11-10',
      amountDueMinor: 1_203_600,
      breakup: [
        { label: `Instalment ${first} of 3`, amountMinor: 1_180_000 },
        { label: 'Late fee', amountMinor: 23_600 },
      ],
      currency: 'INR',
      fetchedAt: '2026-11-30T09:00:00.000Z',
      amountOptions: options,
    },
    payable: {
      day: '2026-11-30',
      amountMinor: 1_203_600,
      amountDueMinor: 1_203_600,
      applied: 'none',
      adjustmentMinor: 0,
    },
    checkoutLine: {
      billerId: 'payment-demands',
      consumer: { demandReference: demand.reference },
      billNumber: `${demand.reference}/${first}`,
      amountMinor: 1_203_600,
    },
    ...marks,
  };
}

const withToday = (demand: Demand, first: number): Demand => ({
  ...demand,
  payableToday: {
    day: '2026-11-30',
    nextMinor: 1_203_600,
    allMinor: 0,
    instalments: [
      { number: first, baseMinor: 1_180_000, lateFeeMinor: 23_600, discountMinor: 0, payableMinor: 1_203_600 },
    ],
  },
});

const openDemand = withToday(demandOf(OPEN, 'open', false), 1);
const partDemand = withToday(demandOf(PART, 'partly_paid', true), 2);
const payingDemand = withToday(demandOf(PAYING, 'open', false), 1);
const DEMANDS: Record<string, CitizenDemand> = {
  [OPEN]: { demand: openDemand, due: dueOf(openDemand, 1) },
  [PART]: { demand: partDemand, due: dueOf(partDemand, 2) },
  [PAYING]: {
    demand: payingDemand,
    due: dueOf(payingDemand, 1, { paid: { paymentId: 'pay_confirming', status: 'settling' } }),
  },
  [PAID]: { demand: demandOf(PAID, 'paid', true) },
  [CANCELLED]: { demand: demandOf(CANCELLED, 'cancelled', true) },
};

const DUES: Dues = {
  dues: [
    {
      account: { id: 'acc_water', billerId: 'city-water', nickname: 'Home', consumerMasked: '******4512' },
      bill: {
        billNumber: 'WB-1',
        customerName: 'A*** D***',
        billDate: '2026-11-01',
        dueDate: '2026-12-10',
        amountDueMinor: 61_700,
        breakup: [],
        currency: 'INR',
        fetchedAt: '2026-11-30T09:00:00.000Z',
      },
      payable: { day: '2026-11-30', amountMinor: 61_700, amountDueMinor: 61_700, applied: 'none', adjustmentMinor: 0 },
      checkoutLine: { accountId: 'acc_water', billNumber: 'WB-1', amountMinor: 61_700 },
    },
  ],
  demands: [DEMANDS[OPEN]?.due as DemandDue, DEMANDS[PART]?.due as DemandDue],
};

/** Wallet transaction ids the stub refuses, by the API's problem (hub/api/routes/wallet-routes.ts). */
const WALLET_PROBLEMS: Record<string, { status: number; code: string; extra?: Record<string, unknown> }> = {
  USEDTXN001: { status: 409, code: 'wallet_already_used' },
  NOSUCHTXN1: { status: 422, code: 'wallet_not_found' },
  OTHERWALLET: { status: 422, code: 'wallet_wallet_mismatch' },
  SHORTPAID1: {
    status: 422,
    code: 'wallet_amount_mismatch',
    extra: { expectedMinor: 1_203_600, payableMinor: [1_203_600] },
  },
};

let stack: PortalStack;
let portal: StubbedPortal | undefined;
/** Bodies the portal sent to POST /checkouts and the wallet route, and the demand paths it read. */
let checkouts: { lines: Record<string, unknown>[] }[] = [];
let walletCalls: Record<string, unknown>[] = [];
let demandReads: string[] = [];

beforeAll(async () => {
  // A wallet key: the hub has its wallet route, so the pages offer the wallet form (the stub answers it).
  portal = await startStubbedPortal(
    (path, req, body) => {
      if (path === '/dues') return json(DUES);
      const read = /^\/dues\/demands\/([^/?]+)$/.exec(path);
      if (read) {
        const reference = decodeURIComponent(read[1] as string);
        demandReads.push(reference);
        const found = DEMANDS[reference];
        return found ? json(found) : problem(404, 'not_found');
      }
      if (path === '/payments/pay_wallet_1/receipt')
        return json({ receiptNumber: 'RCTWALLET1', paymentId: 'pay_wallet_1' });
      if (/^\/payments\/[^/]+\/receipt$/.test(path)) return problem(404, 'receipt_not_found');
      if (path === '/checkouts' && req.method === 'POST') {
        checkouts.push(JSON.parse(body.toString()));
        return json({ payment: { id: 'pay_new' }, checkoutUrl: GATEWAY }, 201);
      }
      const wallet = /^\/demands\/([^/]+)\/wallet-payments$/.exec(path);
      if (wallet && req.method === 'POST') {
        const sent = JSON.parse(body.toString()) as { transactionId: string };
        walletCalls.push(sent);
        const refusal = WALLET_PROBLEMS[sent.transactionId];
        if (refusal) return problem(refusal.status, refusal.code, { reason: refusal.code.slice(7), ...refusal.extra });
        if (sent.transactionId === 'SLOWWALLET') return json({ status: 'verifying', transactionId: 'SLOWWALLET' });
        return json({
          status: 'settled',
          transactionId: sent.transactionId,
          paymentId: 'pay_wallet_1',
          receiptNumber: 'RCTWALLET1',
        });
      }
      return undefined;
    },
    { WALLET_API_KEY: 'stub-wallet-key' },
  );
  stack = portal.stack;
});
afterAll(() => portal?.close());
beforeEach(() => {
  checkouts = [];
  walletCalls = [];
  demandReads = [];
});

/** The text of the element with this data-testid (tags stripped, spaces squeezed), or undefined. */
function byTestId(html: string, id: string): string | undefined {
  const match = new RegExp(`<(\\w+)[^>]*data-testid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return match?.[2]
    ?.replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('a demand on the dashboard', () => {
  it('open demands are rows among the bills: title, provider, reference, instalment n of k, due date, today’s amount with its late fee', async () => {
    const { page } = await signIn(stack);
    const rows = [...page.html.matchAll(/<tr class="govuk-table__row" data-testid="due-row"[\s\S]*?<\/tr>/g)].map(
      (m) => m[0],
    );
    expect(rows).toHaveLength(3);
    const [, open, part] = rows as [string, string, string];
    expect(open).toContain(`data-demand-reference="${OPEN}"`);
    expect(open).toContain('data-biller-id="payment-demands"');
    expect(open).toContain('Community hall booking, 14 January');
    expect(byTestId(open, 'due-demand-details')).toBe('From City Halls Department Instalment 1 of 3');
    expect(open).toContain(`href="/demands/${OPEN}" data-testid="due-demand-link">${OPEN}`);
    expect(open).toContain('10 November 2026');
    expect(byTestId(open, 'due-payable')).toBe('₹12,036.00');
    expect(byTestId(open, 'due-adjustment')).toBe('Includes a late fee of ₹236.00.');
    expect(open).toMatch(
      new RegExp(`<input [^>]*id="pay-demand-${OPEN}" name="line" type="checkbox" value="demand:${OPEN}"`),
    );
    expect(byTestId(part, 'due-demand-details')).toBe('From City Halls Department Instalment 2 of 3');
  });

  it('a demand selected with a utility bill is paid in the same checkout, with its own checkout line', async () => {
    const { browser, page } = await signIn(stack);
    const attempt = page.html.match(/name="attempt" value="([^"]+)"/)?.[1] ?? '';
    browser.stopAtPrefixes = [GATEWAY_ORIGIN];
    const sent = await browser.post(page, `${stack.portal}/pay`, [
      ['attempt', attempt],
      ['line', 'acc_water'],
      ['line', `demand:${OPEN}`],
    ]);
    expect(sent.url).toBe(GATEWAY);
    expect(checkouts).toHaveLength(1);
    expect(checkouts[0]?.lines).toEqual([
      { accountId: 'acc_water', billNumber: 'WB-1', amountMinor: 61_700 },
      {
        billerId: 'payment-demands',
        consumer: { demandReference: OPEN },
        billNumber: `${OPEN}/1`,
        amountMinor: 1_203_600,
      },
    ]);
  });
});

describe('the demand page (the pay link)', () => {
  it('an open demand shows its provider, line items with CGST and SGST, total, instalments, rules in words, and a radio per amount option', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/demands/${OPEN}`);
    expect(page.status).toBe(200);
    expect(heading(page)).toBe('Community hall booking, 14 January');
    expect(page.html).toContain('<title>Community hall booking, 14 January');
    expect(byTestId(page.html, 'demand-provider')).toBe('From City Halls Department');
    expect(byTestId(page.html, 'demand-reference')).toBe(OPEN);
    expect(page.html).toContain('data-testid="demand-status" data-status="open">To pay<');
    expect(byTestId(page.html, 'demand-total')).toBe('₹35,400.00');
    expect(byTestId(page.html, 'demand-line')).toContain('Hall rent ₹30,000.00');
    expect([...page.html.matchAll(/data-testid="demand-tax">([^<]*)</g)].map((m) => m[1])).toEqual([
      'CGST ₹2,700.00',
      'SGST ₹2,700.00',
    ]);
    // Instalment 1 was due on 10 November: overdue on 30 November.
    expect([...page.html.matchAll(/data-testid="demand-instalment" data-status="(\w+)"/g)].map((m) => m[1])).toEqual([
      'overdue',
      'open',
      'open',
    ]);
    expect(byTestId(page.html, 'demand-late-fee-rule')).toBe(
      'Late fee: 2% is added to an instalment for every 30 days, or part of them, after its due date, up to ₹500.00 per instalment.',
    );
    expect(byTestId(page.html, 'demand-discount-rule')).toBe(
      'Early-payment discount: 1.5% off each instalment paid on or before 5 December 2026, and not after its own due date.',
    );
    expect(byTestId(page.html, 'demand-today-late-fee')).toBe('₹236.00');
    expect(byTestId(page.html, 'demand-today-payable')).toBe('₹12,036.00');
    const radios = [
      ...page.html.matchAll(
        /<input class="govuk-radios__input" id="([^"]+)" name="option" type="radio" value="([^"]+)"( checked)?/g,
      ),
    ];
    expect(radios.map((m) => [m[1], m[2], Boolean(m[3])])).toEqual([
      ['option', 'instalments-1', true],
      ['option-2', 'instalments-2', false],
      ['option-3', 'instalments-3', false],
    ]);
    const labels = [
      ...page.html.matchAll(
        /<label class="govuk-label govuk-radios__label" for="option[^"]*">\s*([^<]*?)\s*<\/label>/g,
      ),
    ].map((m) => m[1]);
    expect(labels).toEqual([
      'Next instalment: ₹12,036.00',
      'Next 2 instalments: ₹23,659.00',
      'Next 3 instalments: ₹35,282.00',
    ]);
    expect(page.html).toContain('Instalments 1 to 2 of 3');
    expect(page.html).toContain('data-testid="demand-pay"');
    expect(page.html).toContain('data-testid="wallet-form"');
  });

  it('choosing "next 2 instalments" posts one checkout line for that option’s amount and goes to the gateway', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/demands/${OPEN}`);
    const attempt = page.html.match(/name="attempt" value="([^"]+)"/)?.[1] ?? '';
    browser.stopAtPrefixes = [GATEWAY_ORIGIN];
    const sent = await browser.post(page, `${stack.portal}/demands/${OPEN}/pay`, { attempt, option: 'instalments-2' });
    expect(sent.url).toBe(GATEWAY);
    expect(checkouts).toEqual([
      {
        lines: [
          {
            billerId: 'payment-demands',
            consumer: { demandReference: OPEN },
            billNumber: `${OPEN}/1`,
            amountMinor: 2_365_900,
          },
        ],
      },
    ]);
  });

  it('an option the bill does not offer is refused at the radios, and nothing is posted', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/demands/${OPEN}`);
    const answer = await browser.post(page, `${stack.portal}/demands/${OPEN}/pay`, {
      attempt: 'a1',
      option: 'instalments-9',
    });
    expect(answer.status).toBe(400);
    expect(answer.html).toContain('<title>Error: ');
    expect(answer.html).toContain('href="#option">Choose how many instalments to pay</a>');
    expect(checkouts).toEqual([]);
  });

  it('a partly paid demand shows the paid instalment with its late fee and offers the instalments still open', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/demands/${PART}`);
    expect(page.html).toContain('data-status="partly_paid">Partly paid<');
    expect([...page.html.matchAll(/data-testid="demand-instalment" data-status="(\w+)"/g)].map((m) => m[1])).toEqual([
      'paid',
      'open',
      'open',
    ]);
    expect(page.html).toContain('₹12,036.00 paid on 20 November 2026. Included a late fee of ₹236.00.');
    expect(byTestId(page.html, 'demand-paid-so-far')).toBe('₹12,036.00');
    expect(byTestId(page.html, 'demand-outstanding')).toBe('₹23,600.00');
    expect([...page.html.matchAll(/name="option" type="radio" value="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'instalments-1',
      'instalments-2',
    ]);
    expect(page.html).toContain('Instalment 2 of 3');
    expect(page.html).toContain('Instalments 2 to 3 of 3');
  });

  it('an open instalment past its due date is tagged overdue, in every language; one paid or not yet due is not', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/demands/${OPEN}`);
    const rows = [...page.html.matchAll(/data-testid="demand-instalment" data-status="overdue"[\s\S]*?<\/tr>/g)];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.[0]).toContain('govuk-tag--red">Overdue<');
    const hindi = await browser.post(page, `${stack.portal}/language`, { lang: 'hi', returnTo: `/demands/${OPEN}` });
    expect(hindi.html).toContain('बकाया (देय तिथि बीत गई)');
    const bengali = await browser.post(hindi, `${stack.portal}/language`, { lang: 'bn', returnTo: `/demands/${OPEN}` });
    expect(bengali.html).toContain('মেয়াদ পেরিয়েছে');
    await browser.post(bengali, `${stack.portal}/language`, { lang: 'en', returnTo: '/' });
    const part = await browser.go(`${stack.portal}/demands/${PART}`);
    expect([...part.html.matchAll(/data-testid="demand-instalment" data-status="(\w+)"/g)].map((m) => m[1])).toEqual([
      'paid',
      'open',
      'open',
    ]);
  });

  it('explains why "paid so far" and "still to pay" do not add up to the total: the late fee paid, and fees or discounts to come', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/demands/${PART}`);
    // ₹35,400 total; ₹12,036 paid (₹236 of it a late fee) + ₹23,600 still to pay = ₹35,636.
    expect(byTestId(page.html, 'demand-figures-note')).toBe(
      'Paid so far includes ₹236.00 of late fees. Still to pay is what the open instalments come to before any late fee or discount, which is added or taken off on the day you pay.',
    );
    const paid = await browser.go(`${stack.portal}/demands/${PAID}`);
    expect(byTestId(paid.html, 'demand-figures-note')).toBe('Paid so far includes ₹236.00 of late fees.');
  });

  it('a paid demand says so and offers no pay button and no wallet form', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/demands/${PAID}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-status="paid">Paid<');
    expect(byTestId(page.html, 'demand-paid')).toBe('This demand is paid in full. Nothing more is due.');
    expect(page.html).not.toContain('data-testid="demand-pay"');
    expect(page.html).not.toContain('data-testid="demand-pay-form"');
    expect(page.html).not.toContain('data-testid="wallet-form"');
  });

  it('a cancelled demand says who cancelled it, offers no way to pay, and a pay form posted anyway starts no checkout', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/demands/${CANCELLED}`);
    expect(page.html).toContain('data-status="cancelled">Cancelled<');
    expect(byTestId(page.html, 'demand-cancelled')).toBe(
      'City Halls Department cancelled this demand. Nothing more is due, and it cannot be paid. If you paid for it after it was cancelled, that money is refunded to you in full automatically.',
    );
    expect(page.html).not.toContain('data-testid="demand-pay"');
    expect(page.html).not.toContain('data-testid="wallet-form"');
    const forced = await browser.post(page, `${stack.portal}/demands/${CANCELLED}/pay`, {
      attempt: 'a2',
      option: 'instalments-1',
    });
    expect(forced.status).toBe(409);
    expect(forced.html).toContain('This demand cannot be paid now. Check its status below.');
    expect(checkouts).toEqual([]);
  });

  it('an instalment already being paid shows that payment instead of a second pay button', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/demands/${PAYING}`);
    expect(page.html).toContain('data-testid="demand-paying-now"');
    expect(page.html).toContain('href="/payments/pay_confirming"');
    expect(page.html).not.toContain('data-testid="demand-pay"');
  });

  it('an unknown reference and a malformed one get the same 404 page, which does not say whether the demand exists', async () => {
    const { browser } = await signIn(stack);
    const unknown = await browser.go(`${stack.portal}/demands/${UNKNOWN}`);
    const malformed = await browser.go(`${stack.portal}/demands/${encodeURIComponent('<script>x</script>')}`);
    const tooLong = await browser.go(`${stack.portal}/demands/${'A'.repeat(60)}`);
    for (const page of [unknown, malformed, tooLong]) {
      expect(page.status).toBe(404);
      expect(heading(page)).toBe('We cannot show this payment demand');
      expect(page.html).toContain('sign in with the mobile number or email address it was sent to');
    }
    // Only the well-formed reference was asked of the API; the page does not echo any.
    expect(demandReads).toEqual([UNKNOWN]);
    const strip = (html: string) => html.replace(/name="(csrf|returnTo)" value="[^"]*"/g, '');
    expect(strip(unknown.html).replace(UNKNOWN, '')).not.toContain(UNKNOWN);
    expect(strip(malformed.html)).not.toContain('&lt;script&gt;x');
  });

  it('the page speaks Hindi and Bengali: status, options and rules', async () => {
    const { browser } = await signIn(stack);
    const english = await browser.go(`${stack.portal}/demands/${OPEN}`);
    const hindi = await browser.post(english, `${stack.portal}/language`, { lang: 'hi', returnTo: `/demands/${OPEN}` });
    expect(hindi.html).toContain('<html lang="hi"');
    expect(hindi.html).toContain('अगली 2 किस्तें');
    expect(hindi.html).toContain('विलंब शुल्क:');
    const bengali = await browser.post(hindi, `${stack.portal}/language`, { lang: 'bn', returnTo: `/demands/${OPEN}` });
    expect(bengali.html).toContain('পরের ২টি কিস্তি');
    expect(bengali.html).toContain('₹১২,০৩৬.০০');
  });
});

describe('signing in from the pay link', () => {
  it('a signed-out visitor is sent to sign in and, after the one-time code, lands back on this exact demand', async () => {
    const browser = new CitizenBrowser();
    const first = await browser.raw(`${stack.portal}/demands/${OPEN}`);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe(`/auth/login?returnTo=${encodeURIComponent(`/demands/${OPEN}`)}`);
    browser.stopAtPrefixes = [`${stack.portal}/auth/callback`];
    const start = await browser.go(`${stack.portal}/demands/${OPEN}`);
    const stopped = await completeInteraction(stack.idp, browser, start, {
      identifier: `payer-${Date.now()}@example.in`,
      name: 'Asha Devi',
    });
    browser.stopAtPrefixes = [];
    const landed = await browser.go(stopped.url);
    expect(landed.url).toBe(`${stack.portal}/demands/${OPEN}`);
    expect(landed.status).toBe(200);
    expect(heading(landed)).toBe('Community hall booking, 14 January');
  });
});

describe('paid elsewhere by a wallet transfer', () => {
  const walletPost = async (fields: Record<string, string>) => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/demands/${OPEN}`);
    return browser.post(page, `${stack.portal}/demands/${OPEN}/wallet-payments`, fields);
  };

  it('empty and malformed fields get their own errors, linked from the summary, and nothing reaches the API', async () => {
    const empty = await walletPost({ walletNumber: '', transactionId: '' });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('href="#walletNumber">Enter the mobile number of the wallet you paid from</a>');
    expect(empty.html).toContain('href="#transactionId">Enter the transaction id</a>');
    expect(empty.html).toMatch(
      /<input\s+class="govuk-input govuk-input--width-20 govuk-input--error"\s+id="walletNumber"[^>]*aria-describedby="walletNumber-hint walletNumber-error"/,
    );
    const bad = await walletPost({ walletNumber: '12345', transactionId: 'ab' });
    expect(bad.html).toContain('Enter a 10-digit Indian mobile number, like 98765 43210');
    expect(bad.html).toContain('Enter the transaction id as your wallet app shows it: 6 to 40 letters and digits');
    // What was typed stays in the fields.
    expect(bad.html).toContain('value="12345"');
    expect(walletCalls).toEqual([]);
  });

  it('each refusal is said in words at its field: already used, not found, another wallet, another amount', async () => {
    const said = async (transactionId: string) => {
      const page = await walletPost({ walletNumber: '98765 43210', transactionId });
      return { status: page.status, text: page.html.match(/<a href="#(\w+)">([^<]*)<\/a>/)?.slice(1) };
    };
    expect(await said('USEDTXN001')).toEqual({
      status: 409,
      text: [
        'transactionId',
        'This transaction id has already been used to pay. Each wallet transaction can pay only once.',
      ],
    });
    expect(await said('NOSUCHTXN1')).toEqual({
      status: 422,
      text: [
        'transactionId',
        'The wallet has no such transaction for this demand. Check the transaction id in your wallet app.',
      ],
    });
    expect(await said('OTHERWALLET')).toEqual({
      status: 422,
      text: ['walletNumber', 'This transaction was not made from this wallet number. Check the mobile number.'],
    });
    expect(await said('SHORTPAID1')).toEqual({
      status: 422,
      text: [
        'transactionId',
        'The transaction was for another amount. On the day of the transfer the next instalment cost ₹12,036.00.',
      ],
    });
    expect(walletCalls.map((c) => c.walletNumber)).toEqual([
      '98765 43210',
      '98765 43210',
      '98765 43210',
      '98765 43210',
    ]);
  });

  it('a settled transfer returns to the demand with the receipt link', async () => {
    const done = await walletPost({ walletNumber: '9876543210', transactionId: 'TXN20261130A' });
    expect(done.url).toBe(`${stack.portal}/demands/${OPEN}?wallet=settled&payment=pay_wallet_1`);
    expect(done.html).toMatch(/data-testid="wallet-settled"[\s\S]*Your wallet payment is recorded\./);
    expect(done.html).toContain('href="/payments/pay_wallet_1/receipt" data-testid="wallet-receipt-link"');
    expect(walletCalls).toEqual([{ walletNumber: '9876543210', transactionId: 'TXN20261130A' }]);
  });

  it('a crafted "recorded" link for a payment that is not the citizen’s shows no banner', async () => {
    const { browser } = await signIn(stack);
    const page = await browser.go(`${stack.portal}/demands/${OPEN}?wallet=settled&payment=pay_someone_else`);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('data-testid="wallet-settled"');
    expect(page.html).not.toContain('Your wallet payment is recorded.');
  });

  it('a wallet that has not answered clearly says nothing was recorded and keeps the details to send again', async () => {
    const page = await walletPost({ walletNumber: '9876543210', transactionId: 'SLOWWALLET' });
    expect(page.status).toBe(200);
    expect(byTestId(page.html, 'wallet-verifying')).toContain('Nothing has been recorded');
    expect(page.html).toContain('value="SLOWWALLET"');
  });
});
