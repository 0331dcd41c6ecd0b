import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from '../idp/support/browser.js';
import { paymentDetailJson } from '../operator-console/fixtures.js';
import {
  type ConsoleStack,
  type StubAnswer,
  type StubCall,
  startSignedInConsole,
} from '../operator-console/support/console-stack.js';

/** Ids as the hub makes them: a prefix and 20 Crockford base32 characters. */
const PAYMENT_ID = 'PAY7K2QH9X4TBM7K2QH9X4T';
const LINE_ID = 'LIN7K2QH9X4TBM7K2QH9X4T';
const HELD_PAYMENT = 'PAY8K2QH9X4TBM7K2QH9X4T';
const CASE_ID = 'missing_capture:PAY9K2QH9X4TBM7K2QH9X4TD';

/** The payment of the fixtures while settling, with its one line's outcome unknown. */
function unknownDetail() {
  const detail = paymentDetailJson(PAYMENT_ID);
  detail.payment.status = 'settling';
  Object.assign(detail.payment.lines[0] as object, { id: LINE_ID, status: 'unknown', enquiries: 2 });
  return detail;
}

function heldDetail() {
  const detail = paymentDetailJson(HELD_PAYMENT);
  Object.assign(detail.payment, {
    status: 'held',
    hold: { reason: 'capture_mismatch', detail: 'captured 500, expected 123450', at: '2026-11-30T06:31:00.000Z' },
  });
  Object.assign(detail.payment.lines[0] as object, { status: 'pending' });
  return detail;
}

const queue = (items: unknown[]) => ({ count: items.length, items });

function answer(call: StubCall): StubAnswer {
  if (call.method === 'GET' && call.path.startsWith('/operator/queues/unknown')) {
    return {
      status: 200,
      json: queue([
        {
          paymentId: PAYMENT_ID,
          lineId: LINE_ID,
          billerId: 'state-electricity',
          consumerMasked: '******4321',
          amountMinor: 123_450,
          reference: 'HUB7K2QH9X4TBM7K2QH9X4TB',
          since: '2026-11-29T06:31:00.000Z',
          ageSeconds: 90_000,
          enquiries: 2,
        },
      ]),
    };
  }
  if (call.method === 'GET' && call.path.startsWith('/operator/queues/held')) {
    return {
      status: 200,
      json: queue([
        {
          kind: 'payment',
          paymentId: HELD_PAYMENT,
          amountMinor: 500,
          currency: 'INR',
          since: '2026-11-30T06:31:00.000Z',
          ageSeconds: 3_700,
          reason: 'capture_mismatch',
          detail: 'captured 500, expected 123450',
        },
      ]),
    };
  }
  if (call.method === 'GET' && call.path.startsWith('/operator/queues/recon')) {
    return {
      status: 200,
      json: queue([
        {
          id: CASE_ID,
          class: 'missing_capture',
          date: '2026-11-29',
          subject: 'PAY9K2QH9X4TBM7K2QH9X4TD',
          paymentId: 'PAY9K2QH9X4TBM7K2QH9X4TD',
          detail: 'no gateway report shows a capture',
          since: '2026-11-30T01:00:00.000Z',
          ageSeconds: 30_000,
        },
      ]),
    };
  }
  if (call.method === 'GET' && call.path.startsWith('/operator/audit')) {
    return {
      status: 200,
      json: {
        entries: [
          {
            id: 'AUD1',
            at: '2026-11-30T07:00:00.000Z',
            actor: { sub: 'op-1', label: 'Asha Operator' },
            action: 'line.repost',
            subject: { kind: 'line', id: LINE_ID },
            reason: 'no answer from the biller',
            outcome: 'done',
            paymentId: PAYMENT_ID,
          },
        ],
      },
    };
  }
  if (call.method === 'GET' && call.path === `/operator/payments/${PAYMENT_ID}`)
    return { status: 200, json: unknownDetail() };
  if (call.method === 'GET' && call.path === `/operator/payments/${HELD_PAYMENT}`)
    return { status: 200, json: heldDetail() };
  if (call.method === 'POST' && call.path === `/operator/lines/${LINE_ID}/enquire`) {
    return {
      status: 409,
      json: {
        code: 'state_moved',
        detail: `line ${LINE_ID} is settled, not unknown: there is nothing to enquire`,
        found: 'settled',
      },
    };
  }
  // A hub that breaks (or does not answer in time) while acting: the action may still have been done.
  if (call.method === 'POST' && call.body.includes('the hub breaks')) return { status: 502, text: 'Bad Gateway' };
  if (call.method === 'POST' && call.path.startsWith('/operator/')) return { status: 200, json: {} };
  return { status: 404, json: { code: 'not_found', detail: 'no such route in the stub' } };
}

describe("the console's queues, action forms and audit page", () => {
  let stack: ConsoleStack;
  let operator: Browser;
  const posts = () => stack.hub.calls.filter((c) => c.method === 'POST' && c.path.startsWith('/operator/'));

  beforeAll(async () => {
    ({ stack, operator } = await startSignedInConsole(answer));
  });
  afterAll(() => stack?.close());

  it('shows the three queues with their counts, each item linked to its payment', async () => {
    const page = await operator.go(`${stack.consoleUrl}/queues`);

    expect(page.status).toBe(200);
    expect(page.html).toContain('data-testid="count-unknown">1<');
    expect(page.html).toContain('data-testid="count-held">1<');
    expect(page.html).toContain('data-testid="count-recon">1<');
    expect(page.html).toContain(`href="/payments/${PAYMENT_ID}#actions"`);
    expect(page.html).toContain('1 day');
    expect(page.html).toContain('capture mismatch');
    expect(page.html).toMatch(/href="\/queues" data-testid="nav-queues" aria-current="page"/);
  });

  it("offers the unknown line's enquiry and re-post on its payment's page, and a re-post goes to the hub with the reason and comes back with a notice", async () => {
    const page = await operator.go(`${stack.consoleUrl}/payments/${PAYMENT_ID}`);
    expect(page.html).toContain(`data-testid="action-${LINE_ID}-enquire"`);
    expect(page.html).toContain(`data-testid="action-${LINE_ID}-repost"`);
    expect(page.html).not.toContain('data-testid="action-payment-refund"');

    const done = await operator.submit(page, `/actions/lines/${LINE_ID}/repost`, { reason: 'biller never answered' });

    expect(done.url).toBe(`${stack.consoleUrl}/payments/${PAYMENT_ID}?done=line.repost`);
    expect(done.html).toContain('data-testid="done"');
    const call = posts().at(-1);
    expect(call?.path).toBe(`/operator/lines/${LINE_ID}/repost`);
    expect(JSON.parse(call?.body ?? '{}')).toEqual({ reason: 'biller never answered' });
  });

  it("shows the hub's refusal in words when the state moved", async () => {
    const page = await operator.go(`${stack.consoleUrl}/payments/${PAYMENT_ID}`);

    const refused = await operator.submit(page, `/actions/lines/${LINE_ID}/enquire`, { reason: 'check it' });

    expect(refused.status).toBe(409);
    expect(refused.html).toContain('is settled, not unknown: there is nothing to enquire');
  });

  it('says an action the hub did not answer may still have been done, and where to look, rather than only "could not be reached"', async () => {
    const page = await operator.go(`${stack.consoleUrl}/payments/${PAYMENT_ID}`);

    const broken = await operator.submit(page, `/actions/lines/${LINE_ID}/repost`, { reason: 'the hub breaks' });

    expect(broken.status).toBe(503);
    expect(broken.html).toContain('may still have been done');
    expect(broken.html).toContain('audit');
  });

  it('refuses an action without a reason and does not call the hub', async () => {
    const before = posts().length;
    const page = await operator.go(`${stack.consoleUrl}/payments/${HELD_PAYMENT}`);
    expect(page.html).toContain('data-testid="action-payment-refund"');

    const refused = await operator.submit(page, `/actions/payments/${HELD_PAYMENT}/refund`, { reason: '  ' });

    expect(refused.status).toBe(400);
    expect(refused.html).toContain('Enter the reason');
    expect(posts()).toHaveLength(before);
  });

  it('refuses a form without the CSRF token', async () => {
    const before = posts().length;
    const res = await operator.go(`${stack.consoleUrl}/actions/payments/${HELD_PAYMENT}/refund`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ reason: 'no token' }),
    });
    expect(res.status).toBe(403);
    expect(posts()).toHaveLength(before);
  });

  it('closes a reconciliation case from the queue with its disposition, and adds a note on a payment', async () => {
    const queues = await operator.go(`${stack.consoleUrl}/queues`);
    const closed = await operator.submit(queues, '/close', { disposition: 'explained', reason: 'timing difference' });
    expect(closed.url).toBe(`${stack.consoleUrl}/queues?done=recon_case.close`);
    expect(posts().at(-1)?.path).toBe(`/operator/recon-cases/${encodeURIComponent(CASE_ID)}/close`);
    expect(JSON.parse(posts().at(-1)?.body ?? '{}')).toEqual({ disposition: 'explained', reason: 'timing difference' });

    const page: Page = await operator.go(`${stack.consoleUrl}/payments/${HELD_PAYMENT}`);
    const noted = await operator.submit(page, `/actions/payments/${HELD_PAYMENT}/notes`, {
      note: 'citizen called',
      reason: 'call log',
    });
    expect(noted.url).toBe(`${stack.consoleUrl}/payments/${HELD_PAYMENT}?done=payment.annotate`);
    expect(JSON.parse(posts().at(-1)?.body ?? '{}')).toEqual({ note: 'citizen called', reason: 'call log' });
  });

  it('lists the audit log, filtered by payment', async () => {
    const page = await operator.go(`${stack.consoleUrl}/audit?payment=${PAYMENT_ID}`);

    expect(page.status).toBe(200);
    expect(page.html).toContain('data-testid="audit-row"');
    expect(page.html).toContain('no answer from the biller');
    expect(stack.hub.calls.at(-1)?.path).toBe(`/operator/audit?limit=200&payment=${PAYMENT_ID}`);
    expect((await operator.go(`${stack.consoleUrl}/audit?actor=${encodeURIComponent('a b')}`)).status).toBe(400);
  });
});
