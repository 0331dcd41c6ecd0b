import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hallRentLine, LATE_FEE_2_PERCENT, THREE_INSTALMENTS } from '../hub-demands/fixtures.js';
import { Browser, type Page } from '../idp/support/browser.js';
import { completeInteraction, login, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API } from '../idp/support/test-idp.js';
import { demandJson, type StubAnswer, type StubCall } from './support/hub-stub.js';
import { MEMBER, type PortalStack, PROVIDER, startPortalStack } from './support/portal-stack.js';

const REFERENCE = 'DM-7K2QH-9X4TB-M';
const NEW_REFERENCE = 'DM-AAAAA-BBBBB-C';
const WALLET_REFERENCE = 'DM-WWWWW-WWWWW-W';
const CANCELLED_REFERENCE = 'DM-CCCCC-CCCCC-C';
/** A demand whose second instalment, still open, was due in January 2026: overdue on any later day in India. */
const OVERDUE_REFERENCE = 'DM-OOOOO-OOOOO-O';
/** A demand raised for a payer known by mobile number only. */
const PHONE_ONLY_REFERENCE = 'DM-PPPPP-PPPPP-P';
/** The upload bodies the stub hub has answered: a file seen before is answered as a replay, as the hub does. */
const uploadsSeen = new Set<string>();

/** The stub hub's answers: one demand, its list with totals, the export, and the refusals the pages must show. */
function answer(call: StubCall): StubAnswer {
  const { method, path } = call;
  if (method === 'GET' && path.startsWith('/demands.csv')) {
    return {
      status: 200,
      // The hub's export starts with a UTF-8 byte-order mark (hub/api/routes/demand-export.ts).
      text: '\uFEFFreference,instalment,instalment_status\nDM-7K2QH-9X4TB-M,1,paid\n',
      headers: { 'content-disposition': 'attachment; filename="demands-2027-01-20.csv"' },
    };
  }
  if (method === 'GET' && path.startsWith('/demands?')) {
    if (path.includes('payer=not-a-payer')) {
      return {
        status: 400,
        json: {
          code: 'invalid_request',
          detail: 'payer: must be a mobile number or an email address',
          fields: [{ field: 'payer', problem: 'must be a mobile number or an email address' }],
        },
      };
    }
    return {
      status: 200,
      json: {
        demands: [demandJson(REFERENCE)],
        limit: 25,
        offset: 0,
        totals: { demands: 1, collectedMinor: 1_203_600, outstandingMinor: 2_360_000 },
      },
    };
  }
  if (method === 'GET' && path === `/demands/${WALLET_REFERENCE}`) {
    const paid = demandJson(WALLET_REFERENCE);
    return {
      status: 200,
      json: {
        ...paid,
        instalments: paid.instalments.map((i) =>
          i.number === 1
            ? {
                ...i,
                payment: { number: 'WLT0123456789ABCDEFGHJK', method: 'wallet', walletTransactionId: 'WT225080178685' },
              }
            : i,
        ),
        audit: [{ ...paid.audit[0], actorLabel: 'Hall Clerk' }],
      },
    };
  }
  if (method === 'GET' && path === `/demands/${OVERDUE_REFERENCE}`) {
    const demand = demandJson(OVERDUE_REFERENCE);
    const dueDates = ['2025-12-10', '2026-01-10', '2099-03-10'];
    return {
      status: 200,
      json: { ...demand, instalments: demand.instalments.map((i, n) => ({ ...i, dueDate: dueDates[n] })) },
    };
  }
  if (method === 'GET' && path === `/demands/${PHONE_ONLY_REFERENCE}`)
    return { status: 200, json: demandJson(PHONE_ONLY_REFERENCE, { payer: { phone: '+919876543210' } }) };
  if (method === 'GET' && path === `/demands/${CANCELLED_REFERENCE}`)
    return { status: 200, json: demandJson(CANCELLED_REFERENCE, { status: 'cancelled' }) };
  if (method === 'GET' && path.startsWith('/demands/'))
    return { status: 200, json: demandJson(decodeURIComponent(path.slice(9))) };
  if (method === 'POST' && path === '/demands') {
    const body = JSON.parse(call.body) as { title: string };
    if (body.title === 'Instalments that do not add up') {
      return {
        status: 400,
        json: {
          code: 'invalid_request',
          detail: 'the demand breaks 2 rules',
          errors: [
            { field: 'instalments', message: 'the instalments add up to ₹1,000.00, not the total ₹1,180.00' },
            { field: 'payer.email', message: 'is not an email address' },
          ],
        },
      };
    }
    return { status: 201, json: demandJson(NEW_REFERENCE, { status: 'open', title: body.title }) };
  }
  if (method === 'POST' && path === '/demand-uploads') {
    if (call.body.includes('12,00')) {
      return {
        status: 422,
        json: {
          code: 'invalid_upload',
          detail: 'The file has errors in 1 row. No demand was raised.',
          errors: [
            { row: 3, column: 'amount', message: '"12,00" is not rupees like 1500 or 1500.50 (no commas or ₹)' },
          ],
        },
      };
    }
    const seen = uploadsSeen.has(call.body);
    uploadsSeen.add(call.body);
    return {
      status: 201,
      json: { created: 1, references: [NEW_REFERENCE], demands: [{ row: 2, reference: NEW_REFERENCE }] },
      ...(seen ? { headers: { 'idempotent-replayed': 'true' } } : {}),
    };
  }
  if (method === 'POST' && path.endsWith('/cancel'))
    return { status: 200, json: demandJson(REFERENCE, { status: 'cancelled' }) };
  if (method === 'PATCH') return { status: 200, json: demandJson(REFERENCE, { version: 2 }) };
  return { status: 404, json: { code: 'not_found', detail: 'no such route in the stub' } };
}

/** Undoes the HTML escaping nunjucks applies to attribute values. */
const unescapeHtml = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Every input of the form posting to `action` with its value, as a browser sends them (text inputs and hidden ones). */
function formValues(page: Page, action: string): Record<string, string> {
  const form = [...page.html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)].find(
    ([, a]) => a === action,
  );
  const values: Record<string, string> = {};
  for (const [input] of (form?.[2] ?? '').matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input)?.[1];
    if (name) values[name] = unescapeHtml(/value="([^"]*)"/.exec(input)?.[1] ?? '');
  }
  return values;
}

/** The page's text without its tags (spans that keep a date on one line do not split the sentence). */
const textOf = (html: string) => html.replace(/<[^>]+>/g, '');

const csrfOf = (page: Page) => page.html.match(/name="csrf" value="([^"]+)"/)?.[1] ?? '';
const h1 = (page: Page) => page.html.match(/<h1[^>]*>(?:<span[^>]*>[^<]*<\/span>)?([^<]*)<\/h1>/)?.[1]?.trim() ?? '';

describe('the provider portal with a real idp and a stubbed hub API', () => {
  let stack: PortalStack;
  let member: Browser;
  let dashboard: Page;
  const callsTo = (method: string, prefix: string) =>
    stack.hub.calls.filter((c) => c.method === method && c.path.startsWith(prefix));

  /** A browser that stops at the portal's callback (so the idp's pages can be walked), then finishes there. */
  const browser = () => new Browser([`${stack.portalUrl}/auth/callback`, `${stack.idp.issuer}/session/end`]);
  async function signIn(who: Browser, identifier: string, name = 'Hall Clerk'): Promise<Page> {
    const start = await who.go(`${stack.portalUrl}/auth/login`);
    const callback = await completeInteraction(stack.idp, who, start, { identifier, name });
    return who.go(callback.url);
  }

  beforeAll(async () => {
    stack = await startPortalStack(answer);
    member = browser();
    dashboard = await signIn(member, MEMBER);
  });
  afterAll(() => stack?.close());

  it("signs a member in and shows the organisation's demands with totals and each instalment's status, called with the member's token", async () => {
    expect(dashboard.status).toBe(200);
    expect(h1(dashboard)).toBe(`Demands of ${PROVIDER.name}`);
    expect(dashboard.html).toMatch(/data-testid="total-collected">₹12,036.00</);
    expect(dashboard.html).toMatch(/data-testid="total-outstanding">₹23,600.00</);
    expect(textOf(dashboard.html)).toContain('1: due 2027-01-10, ₹11,800.00, paid on 2027-01-12');
    expect(textOf(dashboard.html)).toContain('2: due 2027-02-10, ₹11,800.00, open');
    const list = callsTo('GET', '/demands?').at(-1);
    expect(list?.providerId).toBe(PROVIDER.id);
  });

  it('passes the filter (statuses, due and created ranges, payer) to the hub and keeps it in the form', async () => {
    const page = await member.go(
      `${stack.portalUrl}/demands?status=open&status=paid&dueFrom=2027-01-01&dueTo=2027-03-31&payer=asha%40example.org&createdFrom=2026-12-01&createdTo=2026-12-31`,
    );
    expect(page.status).toBe(200);
    const query = new URLSearchParams(callsTo('GET', '/demands?').at(-1)?.path.split('?')[1]);
    expect(Object.fromEntries(query)).toMatchObject({
      status: 'open,paid',
      dueFrom: '2027-01-01',
      dueTo: '2027-03-31',
      payer: 'asha@example.org',
      createdFrom: '2026-12-01',
      createdTo: '2026-12-31',
    });
    expect(page.html).toContain('value="asha@example.org"');
    expect(page.html).toContain('href="/demands/export?status=open%2Cpaid&amp;dueFrom=2027-01-01');
  });

  it("shows the hub's refusal of a filter on the field it names", async () => {
    const page = await member.go(`${stack.portalUrl}/demands?payer=not-a-payer`);
    expect(page.status).toBe(400);
    expect(page.html).toContain('href="#payer"');
    expect(page.html).toContain('must be a mobile number or an email address');
  });

  it('a filter date that is not year-month-day is an error on its field, and the hub is not asked', async () => {
    const before = callsTo('GET', '/demands?').length;
    const page = await member.go(`${stack.portalUrl}/demands?dueFrom=31%2F01%2F2027&createdTo=2027-02-30`);
    expect(page.status).toBe(400);
    expect(page.html).toContain('href="#dueFrom"');
    expect(page.html).toContain('Due on or after must be a real date written year-month-day, like 2027-01-31');
    expect(page.html).toContain('href="#createdTo"');
    expect(page.html).toContain('value="31/01/2027"');
    expect(callsTo('GET', '/demands?')).toHaveLength(before);
  });

  it('filter dates are text fields with a year-month-day hint (no date picker in the US order), and a typed 2027/1/5 reads as 2027-01-05', async () => {
    const page = await member.go(`${stack.portalUrl}/demands?dueFrom=2027%2F1%2F5`);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('type="date"');
    expect(page.html).toMatch(/id="dueFrom" name="dueFrom" type="text"/);
    expect(page.html).toContain('For example, 2027-01-31 (year-month-day)');
    const query = new URLSearchParams(callsTo('GET', '/demands?').at(-1)?.path.split('?')[1]);
    expect(query.get('dueFrom')).toBe('2027-01-05');
  });

  it('the totals say "All demands" with no filter, and "Demands matching the filter" with one', async () => {
    expect(dashboard.html).toContain('All demands');
    expect(dashboard.html).not.toContain('Demands matching the filter');
    const filtered = await member.go(`${stack.portalUrl}/demands?status=open`);
    expect(filtered.html).toContain('Demands matching the filter');
    expect(filtered.html).not.toContain('All demands');
  });

  it('the dashboard table scrolls in its own labelled, focusable region, and references, dates and amounts never break inside', async () => {
    expect(dashboard.html).toMatch(
      /<div class="app-table-scroll" role="region" aria-label="Demands, newest first" tabindex="0"[^>]*>\s*<table[^>]*data-testid="demands"/,
    );
    expect(dashboard.html).toContain(`class="govuk-link app-nowrap" href="/demands/${REFERENCE}"`);
    expect(dashboard.html).toContain('due <span class="app-nowrap">2027-02-10</span>');
    expect(dashboard.html).toMatch(/data-label="Outstanding" class="[^"]*app-nowrap"/);
    const css = await (await fetch(`${stack.portalUrl}/assets/provider-portal.css`)).text();
    expect(css).toMatch(/\.app-nowrap \{\s*white-space: nowrap;/);
    expect(css).toMatch(/\.app-table-scroll \{\s*overflow-x: auto;/);
    expect(dashboard.html).toContain('<link rel="stylesheet" href="/assets/provider-portal.css">');
  });

  it("exports the hub's CSV as a download, byte-order mark and all, so spreadsheets read it as UTF-8", async () => {
    const res = await fetch(`${stack.portalUrl}/demands/export?status=paid`, {
      headers: { cookie: await member.jar.getCookieString(stack.portalUrl) },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('demands-2027-01-20.csv');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('DM-7K2QH-9X4TB-M,1,paid');
    expect(callsTo('GET', '/demands.csv?').at(-1)?.path).toBe('/demands.csv?status=paid');
  });

  it('raises a demand from the form: rupees become paise, taxes, instalments, late fee and discount as the hub reads them', async () => {
    const form = await member.go(`${stack.portalUrl}/demands/new`);
    const page = await member.submit(form, '/demands/new', {
      payerPhone: '98765 43210',
      payerEmail: 'asha@example.org',
      title: 'Community hall booking',
      line1Description: 'Hall rent',
      line1Amount: '30000',
      line1Cgst: '2700',
      line1Sgst: '2700',
      dueDate: '2027-03-10',
      instalment1Due: '2027-01-10',
      instalment1Amount: '11800',
      instalment2Due: '2027-02-10',
      instalment2Amount: '11800',
      instalment3Due: '2027-03-10',
      instalment3Amount: '11800.00',
      lateFee: '2%',
      lateFeePeriodDays: '30',
      lateFeeCap: '500',
      discount: '50',
      discountUntil: '2027-01-05',
    });
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${stack.portalUrl}/demands/${NEW_REFERENCE}?raised=1`);
    expect(page.html).toContain(`Demand ${NEW_REFERENCE} raised: the payer is told by SMS and email.`);
    const sent = callsTo('POST', '/demands').at(-1);
    expect(sent?.providerId).toBe(PROVIDER.id);
    expect(JSON.parse(sent?.body ?? '{}')).toEqual({
      payer: { phone: '98765 43210', email: 'asha@example.org' },
      title: 'Community hall booking',
      lines: [hallRentLine()],
      dueDate: '2027-03-10',
      instalments: THREE_INSTALMENTS(),
      lateFee: LATE_FEE_2_PERCENT(),
      earlyDiscount: { off: { kind: 'flat', amountMinor: 5_000 }, until: '2027-01-05' },
    });
  });

  it('the raise form asks for dates as year-month-day text, and names a malformed one by its label without calling the hub', async () => {
    const form = await member.go(`${stack.portalUrl}/demands/new`);
    expect(form.html).not.toContain('type="date"');
    expect(form.html).toMatch(/id="dueDate" name="dueDate" type="text"/);
    expect(form.html).toMatch(/id="instalment1Due" name="instalment1Due" type="text"/);
    expect(form.html).toMatch(/id="discountUntil" name="discountUntil" type="text"/);
    expect(form.html).toContain('For example, 2027-01-31 (year-month-day)');
    const before = callsTo('POST', '/demands').length;
    const page = await member.submit(form, '/demands/new', {
      payerPhone: '9876543210',
      title: 'Hall booking',
      line1Description: 'Hall rent',
      line1Amount: '1000',
      dueDate: '10/03/2027',
      discount: '50',
      discountUntil: '2027-02-31',
    });
    expect(page.status).toBe(400);
    expect(page.html).toContain('href="#dueDate"');
    expect(page.html).toContain('Due date must be a real date written year-month-day, like 2027-01-31');
    expect(page.html).toContain('Discount: paid on or before must be a real date written year-month-day');
    expect(page.html).toContain('value="10/03/2027"');
    expect(callsTo('POST', '/demands')).toHaveLength(before);
  });

  it('a due date typed 2027/3/10 is sent to the hub as 2027-03-10', async () => {
    const form = await member.go(`${stack.portalUrl}/demands/new`);
    await member.submit(form, '/demands/new', {
      payerPhone: '9876543210',
      title: 'Hall booking',
      line1Description: 'Hall rent',
      line1Amount: '1000',
      dueDate: '2027/3/10',
    });
    expect(JSON.parse(callsTo('POST', '/demands').at(-1)?.body ?? '{}').dueDate).toBe('2027-03-10');
  });

  it('the raised banner names what the payer was sent: SMS and email with both contacts, SMS alone with a mobile number only', async () => {
    const both = await member.go(`${stack.portalUrl}/demands/${REFERENCE}?raised=1`);
    expect(both.html).toContain('the payer is told by SMS and email.');
    expect(both.html).not.toContain('SMS or email');
    const phoneOnly = await member.go(`${stack.portalUrl}/demands/${PHONE_ONLY_REFERENCE}?raised=1`);
    expect(phoneOnly.html).toContain('the payer is told by SMS.');
  });

  it('an open instalment due before today in India is tagged "Overdue" on the demand page, a later one stays "Open"', async () => {
    const page = await member.go(`${stack.portalUrl}/demands/${OVERDUE_REFERENCE}`);
    const statuses = [
      ...page.html.matchAll(/data-testid="instalment-status">\s*<strong class="govuk-tag([^"]*)">\s*([^<]*?)\s*</g),
    ].map((m) => [m[2], m[1]?.trim()]);
    expect(statuses).toEqual([
      ['Paid', 'govuk-tag--green'],
      ['Overdue', 'govuk-tag--red'],
      ['Open', 'govuk-tag--blue'],
    ]);
  });

  it('the demand heading keeps the reference on one line (the title above may wrap)', async () => {
    const page = await member.go(`${stack.portalUrl}/demands/${REFERENCE}`);
    expect(page.html).toMatch(
      new RegExp(`<h1[^>]*>.*Demand <span class="app-nowrap" data-testid="heading-reference">${REFERENCE}</span></h1>`),
    );
  });

  it("shows each of the hub's rule errors on its own field, and the form's own errors without calling the hub", async () => {
    const form = await member.go(`${stack.portalUrl}/demands/new`);
    const refused = await member.submit(form, '/demands/new', {
      payerEmail: 'not-an-email',
      title: 'Instalments that do not add up',
      line1Description: 'Cleaning',
      line1Amount: '1000',
      line1Igst: '180',
      dueDate: '2027-03-10',
      instalment1Due: '2027-02-10',
      instalment1Amount: '500',
      instalment2Due: '2027-03-10',
      instalment2Amount: '500',
    });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('href="#instalment1Amount"');
    expect(refused.html).toContain('the instalments add up to ₹1,000.00, not the total ₹1,180.00');
    expect(refused.html).toContain('href="#payerEmail"');
    // What was typed stays in the form.
    expect(refused.html).toContain('value="Instalments that do not add up"');
    const before = callsTo('POST', '/demands').length;
    const own = await member.submit(refused, '/demands/new', { line1Amount: '1,000' });
    expect(own.status).toBe(400);
    expect(own.html).toContain('href="#line1Amount"');
    expect(own.html).toContain('Line item 1 taxable value must be rupees like 1500 or 1500.50');
    expect(callsTo('POST', '/demands')).toHaveLength(before);
  });

  it('uploads a CSV: a bad row is listed with its row, column and error, and a good file lists the demands raised', async () => {
    const form = await member.go(`${stack.portalUrl}/demands/upload`);
    const upload = (csv: string, csrf = csrfOf(form)) => {
      const body = new FormData();
      body.set('csrf', csrf);
      body.set('file', new Blob([csv], { type: 'text/csv' }), 'demands.csv');
      return member.go(`${stack.portalUrl}/demands/upload`, { method: 'POST', body });
    };
    const header = 'payer_phone,title,item,amount,due_date\n';
    const bad = await upload(
      `${header}9876543210,Fee,Cleaning,1000,2027-03-10\n9876543211,Fee,Cleaning,"12,00",2027-03-10\n`,
    );
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/data-testid="row-error">\s*<td[^>]*>3<\/td>\s*<td[^>]*>amount<\/td>/);
    expect(bad.html).toContain('is not rupees like 1500 or 1500.50');
    const sent = callsTo('POST', '/demand-uploads').at(-1);
    expect(sent?.contentType).toContain('text/csv');
    expect(sent?.body.startsWith(header)).toBe(true);
    const good = await upload(`${header}9876543210,Fee,Cleaning,1000,2027-03-10\n`);
    expect(good.status).toBe(200);
    expect(good.html).toContain(`href="/demands/${NEW_REFERENCE}"`);
    const forged = await upload(`${header}9876543210,Fee,Cleaning,1000,2027-03-10\n`, 'not-the-token');
    expect(forged.status).toBe(403);
  });

  it('shows a demand with its instalments and audit trail, and cancels it only with a reason', async () => {
    const page = await member.go(`${stack.portalUrl}/demands/${REFERENCE}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-testid="audit-actor">member-sub-1<');
    const noReason = await member.submit(page, `/demands/${REFERENCE}/cancel`, { reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.html).toContain('Enter the reason');
    expect(callsTo('POST', `/demands/${REFERENCE}/cancel`)).toHaveLength(0);
    await member.submit(page, `/demands/${REFERENCE}/cancel`, { reason: 'booking withdrawn' });
    expect(JSON.parse(callsTo('POST', `/demands/${REFERENCE}/cancel`).at(-1)?.body ?? '{}')).toEqual({
      reason: 'booking withdrawn',
    });
  });

  it('amends a demand with only the fields that changed, the reason and the version it was made from', async () => {
    const form = await member.go(`${stack.portalUrl}/demands/${REFERENCE}/amend`);
    expect(form.html).toContain('value="Hall rent"');
    const noReason = await member.submit(form, `/demands/${REFERENCE}/amend`, { title: 'Hall booking (March)' });
    expect(noReason.status).toBe(400);
    expect(noReason.html).toContain('href="#reason"');
    await member.submit(form, `/demands/${REFERENCE}/amend`, {
      ...formValues(form, `/demands/${REFERENCE}/amend`),
      title: 'Hall booking (March)',
      lateFee: '',
      lateFeePeriodDays: '',
      lateFeeCap: '',
      reason: 'no late fee for this booking',
    });
    expect(JSON.parse(callsTo('PATCH', `/demands/${REFERENCE}`).at(-1)?.body ?? '{}')).toEqual({
      title: 'Hall booking (March)',
      lateFee: null,
      reason: 'no late fee for this booking',
      expectedVersion: 1,
    });
  });

  it('shows a person who is not a member of a provider organisation a clear page, and never calls the hub for them', async () => {
    const calls = stack.hub.calls.length;
    const page = await signIn(browser(), '+919800000032', 'Just A Citizen');
    expect(page.status).toBe(403);
    expect(h1(page)).toBe('Your account is not a member of a provider organisation');
    // It links the citizen portal (the default address: the test sets none).
    expect(page.html).toContain('href="http://localhost:3000" data-testid="citizen-portal-link">citizen portal</a>');
    expect(stack.hub.calls).toHaveLength(calls);
  });

  it('signs a member already signed in at the idp for the citizen portal in without asking for a code again', async () => {
    const hubRp = await relyingParty(stack.idp, stack.idp.hub);
    const ssoBrowser = new Browser([stack.idp.hub.redirectUri, `${stack.portalUrl}/auth/callback`]);
    await login(stack.idp, ssoBrowser, hubRp, stack.idp.hub, {
      identifier: MEMBER,
      scope: 'openid',
      resource: HUB_API,
    });
    const codes = (await stack.idp.messages(MEMBER)).length;
    const callback = await ssoBrowser.go(`${stack.portalUrl}/auth/login`);
    // Straight back from the idp to the portal's callback: no sign-in page, no code sent.
    expect(callback.status).toBe(0);
    expect(callback.url.startsWith(`${stack.portalUrl}/auth/callback?code=`)).toBe(true);
    expect(await stack.idp.messages(MEMBER)).toHaveLength(codes);
    const page = await ssoBrowser.go(callback.url);
    expect(h1(page)).toBe(`Demands of ${PROVIDER.name}`);
  });

  it('signs out at the idp too (RP-initiated logout), after which the demand pages ask to sign in', async () => {
    const who = browser();
    const page = await signIn(who, MEMBER);
    const out = await who.submit(page, '/auth/logout');
    expect(out.status).toBe(0);
    expect(out.url.startsWith(`${stack.idp.issuer}/session/end?`)).toBe(true);
    expect(new URL(out.url).searchParams.get('post_logout_redirect_uri')).toBe(`${stack.portalUrl}/`);
    const res = await fetch(`${stack.portalUrl}/demands`, {
      headers: { cookie: await who.jar.getCookieString(stack.portalUrl) },
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/auth/login?returnTo=%2Fdemands');
  });

  /** Posts a file to the upload form as a browser does. */
  const uploadFile = async (who: Browser, content: string, name = 'demands.csv') => {
    const form = await who.go(`${stack.portalUrl}/demands/upload`);
    const body = new FormData();
    body.set('csrf', csrfOf(form));
    body.set('file', new Blob([content], { type: 'text/csv' }), name);
    return who.go(`${stack.portalUrl}/demands/upload`, { method: 'POST', body });
  };

  it('an empty file chosen for upload is called empty, not "choose a file", and the hub is not called', async () => {
    const before = callsTo('POST', '/demand-uploads').length;
    const page = await uploadFile(member, '', 'empty.csv');
    expect(page.status).toBe(400);
    expect(page.html).toContain('The file empty.csv is empty');
    expect(callsTo('POST', '/demand-uploads')).toHaveLength(before);
  });

  it('uploading the same file again says nothing new was raised, and sends no key of its own (the hub keys it by organisation and file)', async () => {
    const csv = 'payer_phone,title,item,amount,due_date\n9876543210,Fee,Once,1000,2027-03-10\n';
    const first = await uploadFile(member, csv);
    expect(first.html).toContain('1 demand raised');
    const again = await uploadFile(member, csv);
    expect(again.status).toBe(200);
    expect(again.html).toContain('Nothing new: this demand was already raised');
    expect(again.html).not.toContain('demand raised;');
    expect(stack.hub.calls.filter((c) => c.path === '/demand-uploads').every((c) => c.key === undefined)).toBe(true);
  });

  it("an upload's errors can wrap on a phone: the summary and the error table break long words, and the page states the limits", async () => {
    const page = await uploadFile(
      member,
      'payer_phone,title,item,amount,due_date\n9876543211,Fee,Cleaning,12,00,2027-03-10\n',
    );
    expect(page.status).toBe(400);
    expect(page.html).toMatch(/class="govuk-error-summary app-break-anywhere"/);
    expect(page.html).toMatch(/data-label="Error" class="govuk-table__cell app-break-anywhere"/);
    expect(page.html).toContain('The file has errors in 1 row. No demand was raised.');
    expect(page.html).toContain('At most 5,000 demands (rows) and 4 MB per file');
  });

  it('shows how each instalment was paid and names the person who acted, not only their subject', async () => {
    const page = await member.go(`${stack.portalUrl}/demands/${WALLET_REFERENCE}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Wallet transfer, payment WLT0123456789ABCDEFGHJK, wallet transaction WT225080178685');
    expect(page.html).toContain('data-testid="audit-actor">Hall Clerk<');
    expect(page.html).toContain('(account member-sub-1)');
  });

  it('says a cancelled demand can no longer be amended instead of offering the form', async () => {
    const page = await member.go(`${stack.portalUrl}/demands/${CANCELLED_REFERENCE}/amend`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('This demand is cancelled and can no longer be amended');
    expect(page.html).not.toContain('data-testid="amend-form"');
  });

  it('after "Sign out", the next sign-in asks the person again (prompt=login), even though the idp session was never ended', async () => {
    const who = browser();
    const page = await signIn(who, MEMBER);
    const out = await who.submit(page, '/auth/logout');
    // The person closes the idp's confirmation page: the idp's session lives on.
    expect(out.url.startsWith(`${stack.idp.issuer}/session/end?`)).toBe(true);
    const res = await fetch(`${stack.portalUrl}/auth/login`, {
      headers: { cookie: await who.jar.getCookieString(stack.portalUrl) },
      redirect: 'manual',
    });
    expect(new URL(res.headers.get('location') ?? '').searchParams.get('prompt')).toBe('login');
    // Following it, the idp asks to sign in: no straight return to the portal with a code.
    const codes = (await stack.idp.messages(MEMBER)).length;
    const again = await who.go(`${stack.portalUrl}/auth/login`);
    expect(again.url.startsWith(`${stack.portalUrl}/auth/callback`)).toBe(false);
    expect(again.url.startsWith(stack.idp.issuer)).toBe(true);
    expect(await stack.idp.messages(MEMBER)).toHaveLength(codes);
  });
});
