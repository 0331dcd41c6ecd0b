import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from '../idp/support/browser.js';
import { HUB_REFERENCE, LINE_ID, PAYMENT_ID, paymentDetailJson, paymentSummaryJson } from './fixtures.js';
import { type ConsoleStack, type StubAnswer, type StubCall, startSignedInConsole } from './support/console-stack.js';

const NEXT_CURSOR = 'Y3Vyc29yLW9uZQ';
const GONE_ID = 'PAY00000000000000000000';

/** The stub hub's answers for the payments pages. */
function answer(call: StubCall): StubAnswer {
  const { method, path } = call;
  if (method === 'GET' && path.startsWith('/operator/payments?') && path.includes('phone=not-a-phone')) {
    return {
      status: 400,
      json: {
        code: 'invalid_request',
        detail: 'phone: is not a phone number',
        fields: [{ field: 'phone', problem: 'is not a phone number (like 98765 43210 or +919876543210)' }],
      },
    };
  }
  if (method === 'GET' && path.startsWith('/operator/payments?reference=nothing')) {
    return { status: 200, json: { payments: [] } };
  }
  if (method === 'GET' && (path === '/operator/payments' || path.startsWith('/operator/payments?'))) {
    return {
      status: 200,
      json: {
        payments: [
          paymentSummaryJson(),
          { ...paymentSummaryJson(PAYMENT_ID.replace('7K', 'AA')), flags: 2, complaints: 1 },
        ],
        ...(path.includes('cursor=') ? {} : { next: NEXT_CURSOR }),
      },
    };
  }
  if (method === 'GET' && path === `/operator/payments/${GONE_ID}`) {
    return { status: 404, json: { code: 'not_found', detail: 'no such payment' } };
  }
  if (method === 'GET' && path === `/operator/payments/${PAYMENT_ID}`) {
    return { status: 200, json: { ...paymentDetailJson(), notes: ['kept by another area'] } };
  }
  return { status: 404, json: { code: 'not_found', detail: 'no such route in the stub' } };
}

const h1 = (page: Page) => page.html.match(/<h1[^>]*>([^<]*)<\/h1>/)?.[1]?.trim() ?? '';
const textOf = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

describe('the operator console payments pages with a real idp and a stubbed hub API', () => {
  let stack: ConsoleStack;
  let operator: Browser;
  let first: Page;
  const searches = () => stack.hub.calls.filter((c) => c.method === 'GET' && c.path.startsWith('/operator/payments'));

  beforeAll(async () => {
    ({ stack, operator, landing: first } = await startSignedInConsole(answer));
  });
  afterAll(() => stack?.close());

  it('lists the latest payments with their bills, status, total and links, and a link to older ones', async () => {
    expect(first.status).toBe(200);
    expect(first.html).toContain('Latest payments, newest first');
    expect(first.html).toContain(`href="/payments/${PAYMENT_ID}"`);
    const text = textOf(first.html);
    expect(text).toContain('state-electricity, consumer ******4321: ₹1,234.50, settled');
    expect(text).toContain('Flagged (2)');
    expect(text).toContain('Complaints (1)');
    expect(first.html).toContain(`href="/payments?cursor=${NEXT_CURSOR}"`);
    expect(first.html).toMatch(/<table class="govuk-table[^"]*" data-testid="payments">/);
  });

  it("passes the search to the hub with the operator's token, keeps it in the form, and pages with the same search", async () => {
    const page = await operator.go(
      `${stack.consoleUrl}/payments?reference=${HUB_REFERENCE}&phone=98765+43210&consumer=4321&billerId=state-electricity&status=completed&from=2026%2F11%2F1&to=2026-11-30`,
    );
    expect(page.status).toBe(200);
    const call = searches().at(-1);
    expect(call?.sub).toBeDefined();
    const query = new URLSearchParams(call?.path.split('?')[1]);
    expect(Object.fromEntries(query)).toEqual({
      reference: HUB_REFERENCE,
      phone: '98765 43210',
      consumer: '4321',
      billerId: 'state-electricity',
      status: 'completed',
      from: '2026-11-01',
      to: '2026-11-30',
    });
    expect(page.html).toContain(`value="${HUB_REFERENCE}"`);
    expect(page.html).toContain('value="2026-11-01"');
    expect(page.html).toMatch(/<option value="completed" selected>/);
    expect(page.html).toContain('Payments matching the search, newest first');
    const next = page.html.match(/href="(\/payments\?[^"]*cursor=[^"]*)"/)?.[1]?.replace(/&amp;/g, '&') ?? '';
    expect(new URLSearchParams(next.split('?')[1]).get('reference')).toBe(HUB_REFERENCE);
  });

  it('a date that is not a real year-month-day, or a range that ends before it starts, is an error on its field and the hub is not asked', async () => {
    const before = searches().length;
    const page = await operator.go(`${stack.consoleUrl}/payments?from=31%2F11%2F2026`);
    expect(page.status).toBe(400);
    expect(page.html).toContain('href="#from"');
    expect(page.html).toContain('Paid on or after must be a real date written year-month-day');
    const backwards = await operator.go(`${stack.consoleUrl}/payments?from=2026-12-01&to=2026-11-01`);
    expect(backwards.status).toBe(400);
    expect(backwards.html).toContain('href="#to"');
    expect(searches()).toHaveLength(before);
  });

  it("shows the hub's refusal of a search on the field it names", async () => {
    const page = await operator.go(`${stack.consoleUrl}/payments?phone=not-a-phone`);
    expect(page.status).toBe(400);
    expect(page.html).toContain('href="#phone"');
    expect(textOf(page.html)).toContain('Citizen’s mobile number: is not a phone number');
  });

  it('says when nothing matches', async () => {
    const page = await operator.go(`${stack.consoleUrl}/payments?reference=nothing`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('No payments match this search.');
  });

  it('shows a payment with its lines, timeline, ledger entries and operator actions, and the actions include point', async () => {
    const page = await operator.go(`${stack.consoleUrl}/payments/${PAYMENT_ID}`);
    expect(page.status).toBe(200);
    expect(h1(page)).toBe(PAYMENT_ID);
    const text = textOf(page.html);
    expect(page.html).toContain(`data-testid="line-reference">${HUB_REFERENCE}<`);
    expect(text).toContain('SEB-998877 (PAID)');
    expect(text).toContain('EB-2026-11');
    expect(text).toContain(`line ${LINE_ID}`);
    expect(text).toContain('awaiting_payment → captured');
    expect(page.html).toMatch(/data-testid="ledger-entry"[\s\S]*gateway_receivable[\s\S]*₹1,234.50/);
    expect(text).toContain('Read only: no one can edit the ledger here.');
    expect(text).toContain('Asha Operator, payment.annotate on payment');
    expect(text).toContain('Reason: “Citizen called about the receipt”');
    // The receipt and when its message was recorded (06:33 UTC is 12:03 IST).
    expect(text).toContain('RCT-1, message recorded 30 November 2026 at 12:03 pm IST');
    expect(page.html).toContain('data-testid="nav-payments" aria-current="page"');
  });

  it('an unknown payment is a 404 page, and an id that is not one is never sent to the hub', async () => {
    const gone = await operator.go(`${stack.consoleUrl}/payments/${GONE_ID}`);
    expect(gone.status).toBe(404);
    const before = stack.hub.calls.length;
    const odd = await operator.go(`${stack.consoleUrl}/payments/..%2Fadmin`);
    expect(odd.status).toBe(404);
    expect(stack.hub.calls).toHaveLength(before);
  });

  it('shows after an action the action done, only when it is an action name, never free text', async () => {
    const done = await operator.go(`${stack.consoleUrl}/payments/${PAYMENT_ID}?done=payment.annotate`);
    expect(done.html).toContain('data-testid="done"');
    expect(done.html).toContain('payment.annotate');
    const forged = await operator.go(`${stack.consoleUrl}/payments/${PAYMENT_ID}?done=Call+this+number`);
    expect(forged.html).not.toContain('data-testid="done"');
  });

  it('pages are served with a strict policy, never cached, and the console stylesheet', async () => {
    const res = await fetch(`${stack.consoleUrl}/`, {});
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    const css = await fetch(`${stack.consoleUrl}/assets/operator-console.css`);
    expect(css.status).toBe(200);
    expect(await res.text()).toContain('<link rel="stylesheet" href="/assets/operator-console.css">');
  });
});
