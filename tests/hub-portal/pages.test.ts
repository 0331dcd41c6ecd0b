import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshConsumers } from '../hub-api/fresh-consumers.js';
import type { Page } from '../idp/support/browser.js';
import { forgedJws } from '../support/forged-jws.js';
import { payAtHostedCheckout } from '../support/hosted-checkout.js';
import { CitizenBrowser, csrfOf, heading, signIn } from './support/citizen.js';
import { type PortalStack, startPortalStack } from './support/portal-stack.js';

let stack: PortalStack;
let browser: CitizenBrowser;
const consumers = freshConsumers()();
let paymentId = '';

beforeAll(async () => {
  stack = await startPortalStack({ settle: true });
  ({ browser } = await signIn(stack));
});
afterAll(async () => {
  await stack?.close();
});

const url = (path: string) => `${stack.portal}${path}`;
const testIds = (page: Page, id: string) => [...page.html.matchAll(new RegExp(`data-testid="${id}"`, 'g'))].length;

async function addAccount(billerId: string, fields: Record<string, string>): Promise<Page> {
  const form = await browser.go(url(`/accounts/new/${billerId}`));
  expect(form.status).toBe(200);
  return browser.post(
    form,
    url(`/accounts/new/${billerId}`),
    Object.fromEntries(Object.entries(fields).map(([name, value]) => [`consumer.${name}`, value])),
  );
}

describe('the portal signed out', () => {
  const guarded = [
    '/dashboard',
    '/accounts/new',
    '/accounts/new/city-water',
    '/accounts/some-id/remove',
    '/bills/lookup',
    '/bills/lookup/city-water',
    '/checkout/return?payment=pay_x',
    '/payments/pay_x',
    '/payments/pay_x/receipt',
    '/payments/pay_x/receipt.pdf',
    '/history?status=paid',
    '/history.csv',
    '/settings',
  ];

  it('every signed-in page sends a signed-out browser to sign in, and back to the page afterwards', async () => {
    const anonymous = new CitizenBrowser();
    for (const path of guarded) {
      const res = await anonymous.raw(url(path));
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toBe(`/auth/login?returnTo=${encodeURIComponent(path)}`);
    }
  });

  it('the landing page explains the service and offers Sign in, with the language, skip link and one h1', async () => {
    const page = await new CitizenBrowser().go(url('/'));
    expect(page.status).toBe(200);
    expect(page.html).toContain('<html lang="en"');
    expect(page.html).toContain('class="govuk-skip-link"');
    expect(page.html.match(/<h1/g)).toHaveLength(1);
    expect(page.html).toContain('href="/auth/login"');
    expect(page.html).toContain('data-testid="language-switch"');
  });

  it('a browser that prefers Hindi gets Hindi, until the citizen picks another language', async () => {
    const browser = new CitizenBrowser();
    const headers = { 'accept-language': 'hi-IN,hi;q=0.9,en;q=0.8' };
    const hindi = await browser.go(url('/'), { headers });
    expect(hindi.html).toContain('<html lang="hi"');
    expect(heading(hindi)).toBe('बिजली, पानी, गैस और संपत्ति कर के बिल एक ही जगह भरें');
    const bengali = await browser.post(hindi, url('/language'), { lang: 'bn', returnTo: '/' });
    expect(bengali.html).toContain('<html lang="bn"');
    expect((await browser.go(url('/'), { headers })).html).toContain('<html lang="bn"');
  });

  it('a browser’s unknown path is a not-found page, while API clients keep problem+json', async () => {
    const page = await new CitizenBrowser().go(url('/no-such-page'), { headers: { accept: 'text/html,*/*;q=0.8' } });
    expect(page.status).toBe(404);
    expect(page.html).toContain('data-testid="error-title"');
    const api = await fetch(url('/no-such-page'));
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('pages answer with a strict CSP without script, no-store, and the shared security headers', async () => {
    const res = await new CitizenBrowser().raw(url('/'));
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('script-src');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).not.toContain('<script');
  });
});

describe('the portal signed in', () => {
  it('adds an electricity, a water and a gas account through the biller’s own fields, choosing category then biller', async () => {
    const categories = await browser.go(url('/accounts/new'));
    expect(categories.status).toBe(200);
    expect(categories.html).toContain('name="category"');
    const billers = await browser.go(url('/accounts/new?category=water'));
    expect(billers.html).toContain('value="city-water"');
    const chosen = await browser.raw(url('/accounts/new?category=water&biller=city-water'));
    expect(chosen.status).toBe(303);
    expect(chosen.headers.get('location')).toBe('/accounts/new/city-water');

    const fields = await browser.go(url('/accounts/new/city-water'));
    expect(fields.html).toContain('name="consumer.connectionId"');
    expect(fields.html).toContain('<label class="govuk-label govuk-label--s" for="consumer-connectionId">');
    // The biller's pattern, loosened for spaces and any script's digits (a backslash is &#92; in HTML).
    expect(fields.html).toContain('pattern="&#92;s*(?:W&#92;p{Nd}{2}-&#92;p{Nd}{6})&#92;s*"');
    expect(fields.html).toContain('W12-004512');

    for (const [billerId, consumer] of [
      ['state-electricity', consumers.electricity],
      ['city-water', { connectionId: 'W12-004512' }],
      ['metro-gas', consumers.gas],
    ] as const) {
      const added = await addAccount(billerId, consumer);
      expect(added.url, billerId).toMatch(/\/dashboard\?added=ACC/);
    }
  });

  it('a consumer number that breaks the biller’s pattern is refused on the server, linked from the error summary', async () => {
    const form = await browser.go(url('/accounts/new/city-water'));
    const page = await browser.post(form, url('/accounts/new/city-water'), { 'consumer.connectionId': 'W12-4512' });
    expect(page.status).toBe(400);
    expect(page.html).toContain('<title>Error: Your City Water Supply and Sewerage Board account');
    expect(page.html).toContain('href="#consumer-connectionId"');
    expect(page.html).toContain('id="consumer-connectionId-error"');
    expect(page.html).toContain('aria-describedby="consumer-connectionId-hint consumer-connectionId-error"');
  });

  it('the dashboard lists each saved account with its masked consumer, due date and today’s amount', async () => {
    const page = await browser.go(url('/dashboard'));
    expect(page.status).toBe(200);
    expect(testIds(page, 'due-row')).toBe(3);
    expect(testIds(page, 'due-select')).toBe(3);
    expect(page.html).toContain('data-testid="pay-selected"');
    expect(page.html).not.toContain(consumers.electricity.consumerNumber);
    expect(page.html).toMatch(/data-testid="due-payable">₹[\d,]+\.\d\d</);
  });

  it('paying with nothing selected explains what to do, linked to the first bill', async () => {
    const page = await browser.go(url('/dashboard'));
    const answer = await browser.post(page, url('/pay'), { attempt: 'a1' });
    expect(answer.status).toBe(400);
    expect(answer.html).toContain('Select at least one bill to pay');
    expect(answer.html).toMatch(/href="#pay-[^"]+"/);
  });

  it('Pay selected makes one checkout of every selected bill and sends the browser to the gateway', async () => {
    const page = await browser.go(url('/dashboard'));
    const ids = [...page.html.matchAll(/name="line" type="checkbox" value="([^"]+)"/g)].map((m) => m[1] as string);
    const attempt = page.html.match(/name="attempt" value="([^"]+)"/)?.[1] ?? '';
    const fields: [string, string][] = [
      ['csrf', csrfOf(page)],
      ['attempt', attempt],
      ...ids.map((id): [string, string] => ['line', id]),
    ];
    const body = new URLSearchParams(fields);
    const res = await browser.raw(url('/pay'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(res.status).toBe(303);
    const checkoutUrl = res.headers.get('location') ?? '';
    expect(checkoutUrl.startsWith(stack.hub.sandboxes.gateway)).toBe(true);

    // The same form again (a double click) is the same checkout, not a second one.
    const again = await browser.raw(url('/pay'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(again.headers.get('location')).toBe(checkoutUrl);

    const paid = await payAtHostedCheckout(checkoutUrl, { method: 'card' });
    paymentId = new URL(paid.headers.get('location') ?? '').searchParams.get('payment') ?? '';
    expect(paymentId).not.toBe('');
  });

  it('the return page leads to the payment, which reloads itself only when the citizen turns that on, until the receipt is ready', async () => {
    const returned = await browser.raw(url(`/checkout/return?payment=${paymentId}`));
    expect(returned.status).toBe(303);
    expect(returned.headers.get('location')).toBe(`/payments/${paymentId}`);

    const statusPage = url(`/payments/${paymentId}`);
    let page = await browser.go(statusPage);
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/role="status" data-testid="payment-status"/);
    // WCAG 2.2.1: no timed reload unless asked for; "Check again" and the opt-in instead.
    expect(page.html).not.toContain('http-equiv="refresh"');
    if (!page.html.includes('data-testid="receipt-link"')) {
      expect(page.html).toMatch(
        new RegExp(
          `action="/payments/${paymentId}" class="govuk-button-group">\\s*<button[^>]*data-testid="check-again"`,
        ),
      );
      expect(page.html).toContain(`href="/payments/${paymentId}?auto=1" data-testid="check-automatically"`);
      expect(page.html).toContain('Check automatically every 5 seconds');
    }
    // Turned on, the page reloads itself every 5 seconds, says so and offers to stop, until final.
    page = await browser.go(`${statusPage}?auto=1`);
    for (let i = 0; i < 150 && !page.html.includes('data-testid="receipt-link"'); i++) {
      expect(page.html).toContain('<meta http-equiv="refresh" content="5">');
      expect(page.html).toContain('data-testid="refresh-hint"');
      expect(page.html).toContain(
        `href="/payments/${paymentId}" data-testid="stop-checking">Stop checking automatically<`,
      );
      await new Promise((r) => setTimeout(r, 200));
      page = await browser.go(`${statusPage}?auto=1`);
    }
    expect(page.html).toContain('data-status="completed"');
    expect(page.html).toContain(`href="/payments/${paymentId}/receipt"`);
    expect(page.html).not.toContain('http-equiv="refresh"');
    expect(page.html).not.toContain('data-testid="stop-checking"');
    expect(page.html).not.toContain('data-testid="check-again"');
    expect(testIds(page, 'payment-line')).toBe(3);
  }, 90_000);

  it('the receipt page shows the payment in rupees and links the PDF, which downloads as an attachment', async () => {
    const page = await browser.go(url(`/payments/${paymentId}/receipt`));
    expect(page.status).toBe(200);
    expect(heading(page)).toMatch(/^Receipt/);
    expect(page.html).toContain(`href="/payments/${paymentId}/receipt.pdf"`);
    expect(page.html).toMatch(/data-testid="receipt-total">₹[\d,]+\.\d\d</);
    expect(testIds(page, 'receipt-line')).toBe(3);

    // The QR code's link opens the public check, which the real receipt passes without signing in.
    const verifyHref =
      page.html.match(/href="([^"]+)" data-testid="receipt-verify-link"/)?.[1]?.replace(/&amp;/g, '&') ?? '';
    expect(verifyHref.startsWith(url('/verify?t='))).toBe(true);
    const check = await new CitizenBrowser().go(verifyHref);
    expect(check.status).toBe(200);
    expect(check.html).toContain('data-genuine="true"');
    const forgedHref = new URL(verifyHref);
    forgedHref.searchParams.set('t', forgedJws(forgedHref.searchParams.get('t') ?? ''));
    const forged = await new CitizenBrowser().go(forgedHref.toString());
    expect(forged.html).toContain('data-genuine="false"');

    const pdf = await browser.raw(url(`/payments/${paymentId}/receipt.pdf`));
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="receipt-${paymentId}.pdf"`);
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('the dashboard marks the three bills paid and offers none of them again', async () => {
    const page = await browser.go(url('/dashboard'));
    expect([...page.html.matchAll(/data-state="paid"/g)]).toHaveLength(3);
    expect(testIds(page, 'due-select')).toBe(0);
  });

  it('a paid bill shows Paid and its payment, not an amount payable today, a rebate or the select hint', async () => {
    const page = await browser.go(url('/dashboard'));
    expect(testIds(page, 'due-payment-link')).toBe(3);
    expect(page.html).toContain(`href="/payments/${paymentId}" data-testid="due-payment-link"`);
    expect(testIds(page, 'due-payable')).toBe(0);
    expect(testIds(page, 'due-adjustment')).toBe(0);
    expect(page.html).not.toContain('early-payment rebate');
    expect(page.html).not.toContain('Select the bills you want to pay');
    expect(testIds(page, 'nothing-to-pay')).toBe(1);
  });

  it('history lists the payment, filters by biller, status and IST dates, and exports the same as CSV', async () => {
    const all = await browser.go(url('/history'));
    expect(all.status).toBe(200);
    expect(all.html).toContain(`data-payment-id="${paymentId}"`);

    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(new Date());
    const kept = await browser.go(url(`/history?biller=city-water&status=paid&from=${today}&to=${today}`));
    expect(testIds(kept, 'history-row')).toBe(1);
    expect(kept.html).toContain(
      `href="/history.csv?biller=city-water&amp;status=paid&amp;from=${today}&amp;to=${today}"`,
    );
    const none = await browser.go(url('/history?status=unsuccessful'));
    expect(testIds(none, 'history-row')).toBe(0);
    const bad = await browser.go(url('/history?from=2026-13-45'));
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('href="#from"');

    const csv = await browser.raw(url(`/history.csv?status=paid&from=${today}`));
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="payments.csv"');
    const rows = parse((await csv.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.payment_id).toBe(paymentId);
      expect(row.amount).toMatch(/^\d+\.\d{2}$/);
      expect(row.currency).toBe('INR');
      expect(row.created_at_ist).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30$/);
      expect(row.line_status).toBe('settled');
    }
    expect(rows.map((row) => row.biller_id).sort()).toEqual(['city-water', 'metro-gas', 'state-electricity']);
    const none2 = await browser.raw(url('/history.csv?status=unsuccessful'));
    expect((await none2.text()).trim().split('\n')).toHaveLength(1);
  });

  it('the history’s date filters are text fields in the hint’s year-month-day form; typed days are accepted and a wrong one is linked to its field', async () => {
    const page = await browser.go(url('/history'));
    for (const end of ['from', 'to']) {
      const input = page.html.match(new RegExp(`<input[^>]*id="${end}"[^>]*>`))?.[0] ?? '';
      expect(input, end).toContain('type="text"');
      expect(input, end).toContain(`aria-describedby="${end}-hint"`);
      expect(input, end).toContain('pattern="');
    }
    expect(page.html).not.toContain('type="date"');
    expect(page.html).toContain('For example, 2026-11-30 (year-month-day)');

    // What a phone makes easy to type: Devanagari digits, slashes, no separators.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(new Date());
    const devanagari = today.replace(/\d/g, (d) => String.fromCodePoint(0x966 + Number(d)));
    const typed = await browser.go(
      url(`/history?from=${encodeURIComponent(` ${devanagari} `)}&to=${today.replace(/-/g, '/')}`),
    );
    expect(typed.status).toBe(200);
    expect(typed.html).toContain(`data-payment-id="${paymentId}"`);
    expect(typed.html).toContain(`href="/history.csv?from=${today}&amp;to=${today}"`);
    expect((await browser.go(url(`/history?from=${today.replace(/-/g, '')}`))).status).toBe(200);

    const wrong = await browser.go(url('/history?from=2026-11-30&to=2026-02-30'));
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('<a href="#to">Enter the end date as year-month-day, for example 2026-11-30</a>');
    expect(wrong.html).toContain('id="to-error"');
    expect(wrong.html).toContain('aria-describedby="to-hint to-error"');
    expect(wrong.html).toContain('value="2026-02-30"');
  });

  it('settings offer SMS first to a citizen who signed in with a phone, email to one who signed in with an email', async () => {
    const phone = `98${String(Date.now()).slice(-8)}`;
    const { browser: byPhone } = await signIn(stack, new CitizenBrowser(), phone, `+91${phone}`);
    const phoneSettings = await byPhone.go(url('/settings'));
    expect(phoneSettings.status).toBe(200);
    expect(phoneSettings.html).toMatch(/value="sms" checked/);
    expect(phoneSettings.html).not.toMatch(/value="email" checked/);

    const { browser: byEmail } = await signIn(stack);
    const emailSettings = await byEmail.go(url('/settings'));
    expect(emailSettings.html).toMatch(/value="email" checked/);
    expect(emailSettings.html).not.toMatch(/value="sms" checked/);
  });

  it('looks a bill up without saving it and offers to pay it', async () => {
    const choose = await browser.go(url('/bills/lookup'));
    expect(choose.status).toBe(200);
    const form = await browser.go(url('/bills/lookup/city-water'));
    const result = await browser.post(form, url('/bills/lookup/city-water'), {
      'consumer.connectionId': ' W12-004512 ',
    });
    expect(result.status).toBe(200);
    expect(heading(result)).toBe('Bill found');
    expect(result.html).toContain('data-testid="pay-this-bill"');
    expect(result.html).toContain('<input type="hidden" name="consumer.connectionId" value="W12-004512">');

    // That bill was paid above: paying it again from here is refused with the reason, not a second payment.
    const fields = Object.fromEntries(
      [...result.html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]),
    ) as Record<string, string>;
    const again = await browser.post(result, url('/pay'), fields);
    expect(again.status).toBe(409);
    expect(again.html).toContain('data-testid="pay-problem"');
    expect(again.html).toContain('One of these bills has already been paid.');
  });

  it('settings keep the language and notification channel, and the page then speaks Hindi', async () => {
    const page = await browser.go(url('/settings'));
    expect(page.status).toBe(200);
    const saved = await browser.post(page, url('/settings'), { language: 'hi', channel: 'sms' });
    expect(saved.url).toBe(url('/settings?saved=1'));
    expect(saved.html).toContain('<html lang="hi"');
    expect(saved.html).toContain('value="sms" checked');
    const back = await browser.post(saved, url('/language'), { lang: 'en', returnTo: '/settings' });
    expect(back.html).toContain('<html lang="en"');
  });

  it('removes an account after a confirmation page', async () => {
    const dashboard = await browser.go(url('/dashboard'));
    const accountId = dashboard.html.match(/href="\/accounts\/([^/]+)\/remove"/)?.[1] ?? '';
    const confirm = await browser.go(url(`/accounts/${accountId}/remove`));
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('data-testid="confirm-remove"');
    const after = await browser.post(confirm, url(`/accounts/${accountId}/remove`), {});
    expect(after.url).toBe(url('/dashboard?removed=1'));
    expect(testIds(after, 'due-row')).toBe(2);
  });

  it('another citizen’s payment is a not-found page, not its data', async () => {
    const { browser: other } = await signIn(stack);
    const page = await other.go(url(`/payments/${paymentId}`));
    expect(page.status).toBe(404);
    expect(page.html).toContain('data-testid="error-title"');
  });
});
