import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from '../idp/support/browser.js';
import {
  type ConsoleStack,
  type StubAnswer,
  type StubCall,
  startSignedInConsole,
} from '../operator-console/support/console-stack.js';

const ID = 'CMP7Q2M9ZC4KX9T';
const PAYMENT = 'PAY7K2QH9X4TBM7K2QH9X4TB';

/** A complaint as GET /api/v1/operator/complaints/{id} answers it (hub/complaints/complaint-view.ts). */
function complaintJson(status = 'open') {
  return {
    id: ID,
    paymentId: PAYMENT,
    lineId: 'LIN7K2QH9X4TBM7K2QH9X4TB',
    type: 'amount_deducted_not_credited',
    typeLabel: 'Money was taken but the bill is not marked paid',
    description: 'The discom still shows my bill unpaid',
    status,
    createdAt: '2026-11-28T06:30:00.000Z',
    dueAt: '2026-11-29T06:30:00.000Z',
    citizenSub: 'citizen-sub-1',
    overdue: true,
    escalation: { level: 1, at: '2026-11-29T06:31:00.000Z' },
    timeline: [
      { at: '2026-11-28T06:30:00.000Z', event: 'raised', status: 'open', detail: 'Money was taken' },
      {
        at: '2026-11-28T06:30:00.000Z',
        event: 'pre_check.open',
        status: 'open',
        detail: 'line LIN… is still posting at the biller',
      },
    ],
    line: { billerId: 'state-electricity', consumerMasked: '******4321', amountMinor: 123_450, status: 'posting' },
    audit: [],
  };
}

describe('the operator console shows complaints and acts on them with a reason', () => {
  let stack: ConsoleStack;
  let page: Page;
  let operator: Browser;

  function answer(call: StubCall): StubAnswer {
    if (call.method === 'GET' && call.path.startsWith('/operator/complaints?')) {
      return { status: 200, json: { complaints: [complaintJson()] } };
    }
    if (call.method === 'GET' && call.path === `/operator/complaints/${ID}`)
      return { status: 200, json: complaintJson() };
    if (call.method === 'POST' && call.path === `/operator/complaints/${ID}/assign`) {
      return { status: 200, json: complaintJson('assigned') };
    }
    if (call.method === 'POST' && call.path === `/operator/complaints/${ID}/reject`) {
      return {
        status: 409,
        json: { status: 409, code: 'complaint_state_conflict', detail: 'the complaint changed meanwhile; look again' },
      };
    }
    return { status: 404, json: { code: 'not_found', detail: 'no such route in the stub' } };
  }

  beforeAll(async () => {
    ({ stack, operator } = await startSignedInConsole(answer));
  });
  afterAll(() => stack?.close());

  it('lists the queue with the filters passed to the hub, the overdue mark and a link to each complaint', async () => {
    page = await operator.go(
      `${stack.consoleUrl}/complaints?status=escalated&type=amount_deducted_not_credited&overdue=true`,
    );
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-testid="complaint-row"');
    expect(page.html).toContain(`href="/complaints/${ID}"`);
    expect(page.html).toContain('data-testid="overdue"');
    expect(page.html).toMatch(/href="\/complaints" data-testid="nav-complaints" aria-current="page"/);
    const call = stack.hub.calls.find((c) => c.path.startsWith('/operator/complaints?'));
    expect(call?.path).toBe('/operator/complaints?status=escalated&type=amount_deducted_not_credited&overdue=true');
  });

  it("shows a complaint's timeline and payment link; an action without a reason is refused on the page, not sent", async () => {
    page = await operator.go(`${stack.consoleUrl}/complaints/${ID}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`href="/payments/${PAYMENT}"`);
    expect(page.html).toContain('is still posting at the biller');
    for (const form of ['assign-form', 'status-form', 'resolve-form', 'reject-form']) expect(page.html).toContain(form);
    const before = stack.hub.calls.length;
    const refused = await operator.submit(page, `/complaints/${ID}/assign`, { reason: '  ' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('Enter the reason for this action');
    expect(stack.hub.calls.filter((c) => c.method === 'POST')).toHaveLength(
      stack.hub.calls.slice(0, before).filter((c) => c.method === 'POST').length,
    );
  });

  it('an action with a reason is sent to the hub and comes back with a notice; a refused one shows the hub’s words', async () => {
    page = await operator.go(`${stack.consoleUrl}/complaints/${ID}`);
    const done = await operator.submit(page, `/complaints/${ID}/assign`, { reason: 'Taking this one' });
    expect(done.status).toBe(200);
    expect(done.html).toContain('data-testid="done"');
    expect(done.html).toContain('complaint.assign');
    const sent = stack.hub.calls.find((c) => c.method === 'POST' && c.path.endsWith('/assign'));
    expect(JSON.parse(sent?.body ?? '{}')).toEqual({ reason: 'Taking this one' });

    const refused = await operator.submit(page, `/complaints/${ID}/reject`, {
      reason: 'Nothing wrong',
      code: 'rejected_no_fault',
    });
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('Not done: the complaint changed meanwhile; look again');
  });
});
