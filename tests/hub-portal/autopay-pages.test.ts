import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Due, SavedAccount } from '../../hub/portal/api/types.js';
import type { AutopayAnswer, ChargeAnswer } from '../../hub/portal/routes/autopay-view.js';
import { readLimit } from '../../hub/portal/routes/autopay-view.js';
import type { Page } from '../idp/support/browser.js';
import { type CitizenBrowser, heading, signIn } from './support/citizen.js';
import type { PortalStack } from './support/portal-stack.js';
import { jsonAnswer as json, problemAnswer as problem, stubBill } from './support/stub-answers.js';
import { type StubbedPortal, startStubbedPortal } from './support/stubbed-portal.js';

/** Three saved accounts: one with autopay on, one paused, one whose autopay was cancelled long ago. */
const ACCOUNTS: SavedAccount[] = [
  { id: 'acc_home', billerId: 'state-electricity', nickname: 'Home', consumerMasked: '******3004' },
  { id: 'acc_water', billerId: 'city-water', nickname: 'Shop water', consumerMasked: '******4512' },
  { id: 'acc_gas', billerId: 'metro-gas', nickname: 'Gas', consumerMasked: '******4567' },
];
const ON = 'AUT000000000000000000A1';
const PAUSED = 'AUT000000000000000000B2';
const ENDED = 'AUT000000000000000000C3';

const charge = (id: string, status: string, extra: Partial<ChargeAnswer> = {}): ChargeAnswer => ({
  id,
  billNumberMasked: 'EB-******3004-11',
  amountMinor: 182_607,
  currency: 'INR',
  dueDate: '2026-12-10',
  status,
  // 20:00 UTC is 1:30 am the next day in IST: the page must show the IST day.
  chargeAt: '2026-12-01T20:00:00.000Z',
  ...extra,
});

/** The active autopay's recent debits, newest first: each state the page puts in words. */
const CHARGES: ChargeAnswer[] = [
  // Noticed late: the notice period ends after the due date.
  charge('chg_sched', 'scheduled', { dueDate: '2026-12-01', noticeSentAt: '2026-11-30T20:00:00.000Z' }),
  charge('chg_unknown', 'unknown', { reason: 'gateway_unavailable', paymentId: 'pay_unknown' }),
  charge('chg_paid', 'charged', { paymentId: 'pay_auto_1', chargeAt: '2026-11-02T04:00:00.000Z' }),
  charge('chg_over', 'over_limit', { amountMinor: 612_000, chargeAt: '2026-10-02T04:00:00.000Z' }),
  charge('chg_declined', 'failed', { reason: 'declined', chargeAt: '2026-09-02T04:00:00.000Z' }),
  charge('chg_old', 'skipped', { reason: 'autopay_paused', chargeAt: '2026-08-02T04:00:00.000Z' }),
];

const autopay = (id: string, accountId: string, status: string, extra: Partial<AutopayAnswer> = {}): AutopayAnswer => ({
  id,
  accountId,
  status,
  limitMinor: 500_000,
  currency: 'INR',
  validUntil: '2027-11-30T09:00:00.000Z',
  charges: [],
  ...extra,
});
const AUTOPAYS: AutopayAnswer[] = [
  autopay(ON, 'acc_home', 'active', { charges: CHARGES }),
  autopay(PAUSED, 'acc_water', 'paused', {
    limitMinor: 100_000,
    charges: [charge('chg_paused', 'scheduled', { billNumberMasked: 'WB-****4512', amountMinor: 61_700 })],
  }),
  autopay(ENDED, 'acc_gas', 'cancelled', { reason: 'cancelled_by_citizen' }),
];

const DUES: { dues: Due[] } = {
  dues: ACCOUNTS.map((account, i) => ({
    account,
    bill: stubBill(`B-${i}`, 10_000 * (i + 1)),
    payable: {
      day: '2026-11-30',
      amountMinor: 10_000 * (i + 1),
      amountDueMinor: 10_000 * (i + 1),
      applied: 'none',
      adjustmentMinor: 0,
    },
    checkoutLine: { accountId: account.id, billNumber: `B-${i}`, amountMinor: 10_000 * (i + 1) },
  })),
};

let stack: PortalStack;
let portal: StubbedPortal | undefined;
/** GET /autopay calls the stub answered, and whether it answers them with a 503. */
let autopayListCalls = 0;
let autopayDown = false;
/** Autopay actions the portal asked the hub for (`<method> <path>`). */
const actions: string[] = [];

beforeAll(async () => {
  portal = await startStubbedPortal((path, req, body) => {
    if (path === '/dues') return json(DUES);
    if (path === '/accounts' && req.method === 'GET') return json({ accounts: ACCOUNTS });
    if (path === '/autopay' && req.method === 'GET') {
      autopayListCalls += 1;
      return autopayDown ? problem(503, 'unavailable') : json({ autopays: AUTOPAYS, maxLimitMinor: 1_500_000 });
    }
    if (path === '/autopay' && req.method === 'POST') {
      const { accountId, limitMinor } = JSON.parse(body.toString()) as { accountId: string; limitMinor: number };
      actions.push(`POST /autopay ${accountId} ${limitMinor}`);
      if (limitMinor > 1_500_000) return problem(422, 'limit_not_allowed', { maxLimitMinor: 1_500_000 });
      if (accountId === 'acc_home') return problem(409, 'autopay_exists');
      if (limitMinor === 99_900) return problem(503, 'gateway_unavailable');
      return json(
        autopay('AUT000000000000000000D4', accountId, 'pending_approval', {
          approvalUrl: 'http://127.0.0.1:9/mandates/mdt_1',
        }),
        201,
      );
    }
    const one = /^\/autopay\/(AUT[0-9A-F]{20})(?:\/(\w+))?$/.exec(path);
    if (one) {
      const found = AUTOPAYS.find((a) => a.id === one[1]);
      if (!found) return problem(404, 'not_found');
      if (one[2]) actions.push(`POST ${path}`);
      return json(one[2] === 'cancel' ? { ...found, status: 'cancelled' } : found);
    }
    return undefined;
  });
  stack = portal.stack;
});
afterAll(() => portal?.close());

const url = (path: string) => `${stack.portal}${path}`;
/** The cell of the dashboard's autopay column in the row of `accountId`. */
const autopayCell = (page: Page, accountId: string) =>
  page.html
    .match(new RegExp(`data-account-id="${accountId}"[\\s\\S]*?</tr>`))?.[0]
    .match(/<td[^>]*data-testid="due-autopay"[\s\S]*?<\/td>/)?.[0] ?? '';
const text = (html: string) =>
  html
    .replace(/<span class="govuk-visually-hidden">[^<]*<\/span>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
/** The rows of the recent debits table, as text. */
const chargeTexts = (page: Page) =>
  [...page.html.matchAll(/<tr class="govuk-table__row" data-testid="autopay-charge"[\s\S]*?<\/tr>/g)].map((m) =>
    text(m[0]),
  );
const errorSummary = (page: Page) => text(page.html.match(/<div class="govuk-error-summary"[\s\S]*?<\/ul>/)?.[0] ?? '');

describe('autopay on the dashboard', () => {
  it('each saved account shows its autopay from a single GET /autopay: on with its limit, paused, or off with a link to set it up', async () => {
    const { browser } = await signIn(stack);
    const before = autopayListCalls;
    const page = await browser.go(url('/dashboard'));
    expect(page.status).toBe(200);
    // Three accounts, one call for all of them.
    expect(autopayListCalls - before).toBe(1);
    expect(page.html).toContain('<th scope="col" class="govuk-table__header">Autopay</th>');
    const home = autopayCell(page, 'acc_home');
    expect(home).toContain('data-autopay-status="active"');
    expect(text(home)).toContain('On, up to ₹5,000.00 a bill');
    expect(home).toContain(`href="/autopay#autopay-${ON}"`);
    const water = autopayCell(page, 'acc_water');
    expect(water).toContain('data-autopay-status="paused"');
    expect(text(water)).toContain('Paused (limit ₹1,000.00)');
    // A cancelled autopay is history: the account has none now and is offered a new one.
    const gas = autopayCell(page, 'acc_gas');
    expect(gas).toContain('data-autopay-status="none"');
    expect(text(gas)).toContain('Off');
    expect(gas).toContain('href="/autopay?account=acc_gas#set-up"');
    // The link names its account for a screen reader, since three say "Set up" or "Manage".
    expect(gas).toMatch(/Set up autopay<span class="govuk-visually-hidden"> \(Metro[^,]*, \*\*\*\*\*\*4567\)<\/span>/);
  });

  it('the navigation offers Autopay on every signed-in page, in English, Hindi and Bengali', async () => {
    const { browser } = await signIn(stack);
    const english = await browser.go(url('/history'));
    expect(english.html).toContain('<a class="govuk-link" href="/autopay" data-testid="nav-autopay">Autopay</a>');
    const hindi = await browser.post(english, url('/language'), { lang: 'hi', returnTo: '/dashboard' });
    expect(hindi.html).toContain('data-testid="nav-autopay">ऑटोपे</a>');
    expect(text(autopayCell(hindi, 'acc_home'))).toContain('चालू, प्रति बिल ₹5,000.00 तक');
    const bengali = await browser.post(hindi, url('/language'), { lang: 'bn', returnTo: '/dashboard' });
    expect(bengali.html).toContain('data-testid="nav-autopay">অটোপে</a>');
    expect(text(autopayCell(bengali, 'acc_home'))).toContain('₹৫,০০০.০০');
  });

  it('when the hub does not answer about autopay the dues still show, without the autopay column', async () => {
    const { browser } = await signIn(stack);
    autopayDown = true;
    try {
      const page = await browser.go(url('/dashboard'));
      expect(page.status).toBe(200);
      expect([...page.html.matchAll(/data-testid="due-row"/g)]).toHaveLength(3);
      expect(page.html).not.toContain('data-testid="due-autopay"');
      expect(page.html).toContain('data-testid="pay-selected"');
    } finally {
      autopayDown = false;
    }
  });
});

describe('the autopay page', () => {
  let browser: CitizenBrowser;
  beforeAll(async () => {
    ({ browser } = await signIn(stack));
  });

  it('each recent debit’s state is in words, with its dates in IST and its amounts in rupees', async () => {
    const page = await browser.go(url('/autopay'));
    expect(page.status).toBe(200);
    const rows = chargeTexts(page);
    // The five most recent of the active autopay, then the paused one's.
    expect(rows).toHaveLength(6);
    const [scheduled, unknown, charged, over, declined] = rows as [string, string, string, string, string];
    expect(scheduled).toContain('₹1,826.07');
    expect(scheduled).toContain('It will be paid automatically from 2 December 2026 at 1:30 am IST.');
    expect(scheduled).toContain(
      'That is after the due date (1 December 2026): to avoid a late fee, pay it yourself before then.',
    );
    expect(unknown).toContain('Do not pay this bill again until it is confirmed.');
    expect(charged).toContain('Paid automatically on 2 November 2026.');
    expect(page.html).toContain('href="/payments/pay_auto_1" data-testid="autopay-charge-payment"');
    expect(over).toContain(
      'Not paid: ₹6,120.00 is above your limit of ₹5,000.00. Pay this bill yourself (due 10 December 2026).',
    );
    expect(declined).toContain('Your bank declined the payment. Pay this bill yourself (due 10 December 2026).');
    // A debit announced before a pause is not made while paused: the page does not promise it.
    expect(rows[5]).toContain(
      'Announced, but not paid while autopay is paused, if the payment date (2 December 2026 at 1:30 am IST) comes first.',
    );
    expect(rows[5]).not.toContain('It will be paid automatically');
    // A paused autopay says what pausing means; the ended one is listed after the live ones.
    expect(page.html).toContain('data-testid="autopay-paused-note"');
    const order = [...page.html.matchAll(/data-testid="autopay" data-autopay-id="(AUT\w+)"/g)].map((m) => m[1]);
    expect(order).toEqual([ON, PAUSED, ENDED]);
    // Only the account without a live autopay is offered, chosen already.
    expect([...page.html.matchAll(/name="accountId" type="radio" value="(\w+)"/g)].map((m) => m[1])).toEqual([
      'acc_gas',
    ]);
    expect(page.html).toMatch(/name="accountId" type="radio" value="acc_gas" checked/);
  });

  it('the debits’ words, dates and amounts are in Hindi and Bengali too', async () => {
    const english = await browser.go(url('/autopay'));
    const hindi = await browser.post(english, url('/language'), { lang: 'hi', returnTo: '/autopay' });
    const [hiScheduled] = chargeTexts(hindi) as [string];
    expect(hiScheduled).toContain('यह 2 दिसंबर 2026 को 1:30 am IST बजे से अपने-आप चुकाया जाएगा।');
    expect(hiScheduled).toContain('₹1,826.07');
    const bengali = await browser.post(hindi, url('/language'), { lang: 'bn', returnTo: '/autopay' });
    const bnRows = chargeTexts(bengali);
    expect(bnRows[0]).toContain('₹১,৮২৬.০৭');
    expect(bnRows[2]).toContain('২ নভেম্বর, ২০২৬ তারিখে নিজে থেকে মেটানো হয়েছে।');
    await browser.post(bengali, url('/language'), { lang: 'en', returnTo: '/autopay' });
  });

  it('a limit that is empty, not rupees, zero or above the maximum is a clear error at the field, and nothing is asked of the hub', async () => {
    const page = await browser.go(url('/autopay'));
    const cases: [string, string][] = [
      ['', 'Enter the most to pay automatically for one bill, in rupees'],
      ['lots', 'Enter the limit in rupees, like 2500 or 2500.50'],
      ['2500.505', 'Enter the limit in rupees, like 2500 or 2500.50'],
      ['-100', 'Enter the limit in rupees, like 2500 or 2500.50'],
      ['0', 'The limit must be more than ₹0'],
    ];
    const asked = actions.length;
    for (const [limit, message] of cases) {
      const refused = await browser.post(page, url('/autopay'), { accountId: 'acc_gas', limit });
      expect(refused.status, limit).toBe(400);
      expect(refused.html, limit).toContain('<title>Error: ');
      expect(errorSummary(refused), limit).toContain(message);
      expect(refused.html, limit).toContain('href="#limit"');
      expect(refused.html, limit).toMatch(/id="limit-error"/);
    }
    expect(actions.length).toBe(asked);
  });

  it('a limit above the highest allowed says the highest, and an account that already has autopay says so', async () => {
    const page = await browser.go(url('/autopay'));
    const tooHigh = await browser.post(page, url('/autopay'), { accountId: 'acc_gas', limit: '₹ 20,000' });
    expect(tooHigh.status).toBe(400);
    expect(actions.at(-1)).toBe('POST /autopay acc_gas 2000000');
    expect(errorSummary(tooHigh)).toContain('The limit must be ₹15,000.00 or less');
    // What was typed is kept.
    expect(tooHigh.html).toContain('value="₹ 20,000"');

    const exists = await browser.post(page, url('/autopay'), { accountId: 'acc_home', limit: '2,500.50' });
    expect(actions.at(-1)).toBe('POST /autopay acc_home 250050');
    expect(exists.status).toBe(400);
    expect(errorSummary(exists)).toContain(
      'This account already has autopay: manage it above, or cancel it to set a new limit',
    );
    expect(exists.html).toContain('href="#accountId"');

    const down = await browser.post(page, url('/autopay'), { accountId: 'acc_gas', limit: '999' });
    expect(down.status).toBe(400);
    expect(errorSummary(down)).toContain('not answering just now. Nothing was set up');
  });

  it('a good limit goes on to the gateway’s approval page', async () => {
    const page = await browser.go(url('/autopay'));
    const res = await browser.raw(url('/autopay'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        csrf: page.html.match(/name="csrf" value="([^"]+)"/)?.[1] ?? '',
        accountId: 'acc_gas',
        limit: '१,५००',
      }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('http://127.0.0.1:9/mandates/mdt_1');
    expect(actions.at(-1)).toBe('POST /autopay acc_gas 150000');
  });

  it('cancelling asks first: the page says what cancelling does and lists the announced debits it stops, then posts the cancel', async () => {
    const list = await browser.go(url('/autopay'));
    expect(list.html).toContain(`href="/autopay/${ON}/cancel" data-testid="autopay-cancel"`);
    // The list page itself has no form that cancels at once.
    expect(list.html).not.toContain(`action="/autopay/${ON}/cancel"`);
    const asked = actions.length;
    const confirm = await browser.go(url(`/autopay/${ON}/cancel`));
    expect(confirm.status).toBe(200);
    expect(actions.length).toBe(asked);
    expect(heading(confirm)).toBe('Cancel autopay?');
    const words = text(confirm.html);
    expect(words).toContain('Autopay for Home (State Electricity');
    expect(words).toContain('up to ₹5,000.00 a bill.');
    expect(words).toContain('no bill of this account is paid automatically any more, from now on');
    expect(words).toContain('we ask your bank to end the mandate');
    // A debit being confirmed is not stopped, and the announced one will not be made.
    expect(words).toContain('a payment already being made or being confirmed with your bank is not stopped');
    expect(words).toContain('Bill EB-******3004-11: ₹1,826.07, due 1 December 2026');
    expect(words).toContain('You will need to pay this account’s bills yourself.');
    expect(confirm.html).toContain(`action="/autopay/${ON}/cancel"`);
    expect(confirm.html).toContain('href="/autopay" data-testid="autopay-cancel-back"');

    const done = await browser.post(confirm, url(`/autopay/${ON}/cancel`), {});
    expect(actions.at(-1)).toBe(`POST /autopay/${ON}/cancel`);
    expect(done.url).toBe(url('/autopay?notice=cancel'));
  });

  it('the cancel page of an autopay that already ended goes back to the autopay page, and an unknown id is not found', async () => {
    const ended = await browser.raw(url(`/autopay/${ENDED}/cancel`));
    expect(ended.status).toBe(303);
    expect(ended.headers.get('location')).toBe('/autopay');
    // One the hub does not know, and one that is not an autopay id at all (the hub is not even asked).
    const unknown = await browser.go(url(`/autopay/AUT${'0'.repeat(18)}FF/cancel`));
    expect(unknown.status).toBe(404);
    const malformed = await browser.go(url('/autopay/..%2Faccounts/cancel'));
    expect(malformed.status).toBe(404);
  });
});

describe('reading the limit', () => {
  it('reads rupees as paise with commas, a rupee sign and Indian digits, and refuses anything else', () => {
    expect(readLimit('2500')).toEqual({ minor: 250_000 });
    expect(readLimit(' 2,500.5 ')).toEqual({ minor: 250_050 });
    expect(readLimit('₹1,50,000')).toEqual({ minor: 15_000_000 });
    expect(readLimit('Rs. 99.99')).toEqual({ minor: 9_999 });
    expect(readLimit('২,৫০০')).toEqual({ minor: 250_000 });
    expect(readLimit('')).toEqual({ problem: 'empty' });
    expect(readLimit('0.00')).toEqual({ problem: 'zero' });
    for (const bad of ['lots', '1.234', '-5', '1e5', '12.', '.5'])
      expect(readLimit(bad), bad).toEqual({ problem: 'format' });
  });
});
