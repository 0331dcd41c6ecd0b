import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import type { Session } from '../../hub/portal/session/session-store.js';
import { newLine, settlingPayment } from '../hub-payments/fixtures.js';
import type { Page } from '../idp/support/browser.js';
import { type CitizenBrowser, sessionCookie, signIn } from './support/citizen.js';
import { type PortalStack, startPortalStack } from './support/portal-stack.js';

// The complaint and feedback pages on the real hub API (POST/GET /complaints, /complaints/{id},
// /complaints/{id}/rating, /payments/{id}/feedback): the citizen signs in through the real idp and
// their payment is made in the hub's store, its bill settled with the biller's reference.

const BILLER_REFERENCE = 'SEDC-LIVE-7781';
let stack: PortalStack;
let payments: PaymentStore;

beforeAll(async () => {
  stack = await startPortalStack();
  payments = new PaymentStore(stack.hub.service.mongo);
});
afterAll(async () => {
  await stack?.close();
});

/** A signed-in citizen with a completed payment of one electricity bill, settled with BILLER_REFERENCE. */
async function citizenWithPayment(): Promise<{ browser: CitizenBrowser; paymentId: string; lineId: string }> {
  const { browser } = await signIn(stack);
  const raw = await stack.hub.service.redis.get(`portal:session:${await sessionCookie(browser, stack.portal)}`);
  const sub = (JSON.parse(raw ?? '{}') as Session).user?.sub ?? '';
  const settling = await settlingPayment(payments, {
    citizenSub: sub,
    lines: [newLine({ billerId: 'state-electricity', consumer: { consumerNumber: '1002003004' } })],
  });
  const lineId = settling.lines[0]?._id ?? '';
  await payments.transitionLine(settling._id, lineId, 'pending', 'posting', 'line.posting');
  await payments.transitionLine(settling._id, lineId, 'posting', 'settled', 'line.settled', {
    billerReference: BILLER_REFERENCE,
  });
  const done = await payments.settleCompletion(settling._id);
  expect(done?.status).toBe('completed');
  return { browser, paymentId: settling._id, lineId };
}

const complaintIdOf = (page: Page) => page.url.match(/\/complaints\/(CMP\w{12})\/raised$/)?.[1] ?? '';

describe('complaint and feedback pages on the hub API', () => {
  it('a double submit makes one complaint, answered at once with the biller’s reference, and rated once', async () => {
    const { browser, paymentId, lineId } = await citizenWithPayment();
    const form = await browser.go(`${stack.portal}/payments/${paymentId}/complaint?line=${lineId}`);
    expect(form.status).toBe(200);
    const fields = {
      attempt: form.html.match(/name="attempt" value="([^"]+)"/)?.[1] ?? '',
      lineId,
      type: 'amount_deducted_not_credited',
      description: 'Money left my account but the bill shows unpaid.',
    };
    const send = () => browser.post(form, `${stack.portal}/payments/${paymentId}/complaint`, fields);
    const first = await send();
    const second = await send();
    const id = complaintIdOf(first);
    expect(id).toMatch(/^CMP/);
    expect(complaintIdOf(second)).toBe(id);
    expect(first.html).toContain(`data-testid="complaint-evidence-billerReference">${BILLER_REFERENCE}<`);
    expect(first.html).toContain('data-disposition="credited_to_biller"');
    expect(first.html).toContain('The biller has received your payment.');

    const list = await browser.go(`${stack.portal}/complaints`);
    expect([...list.html.matchAll(/data-testid="complaint-row"/g)]).toHaveLength(1);
    expect(list.html).toContain(`data-complaint-id="${id}" data-status="resolved"`);

    const page = await browser.go(`${stack.portal}/complaints/${id}`);
    expect(page.html).toContain('data-testid="rating-form"');
    const rated = await browser.post(page, `${stack.portal}/complaints/${id}/rating`, { score: '4' });
    expect(rated.html).toContain('You rated our answer: 4 out of 5 (Good).');
    const again = await browser.post(page, `${stack.portal}/complaints/${id}/rating`, { score: '1' });
    expect(again.html).toContain('4 out of 5 (Good)');
    expect(again.html).not.toContain('data-testid="rating-form"');
  });

  it('another citizen’s complaint is the same not-found page as an unknown one', async () => {
    const owner = await citizenWithPayment();
    const form = await owner.browser.go(`${stack.portal}/payments/${owner.paymentId}/complaint`);
    const raised = await owner.browser.post(form, `${stack.portal}/payments/${owner.paymentId}/complaint`, {
      attempt: form.html.match(/name="attempt" value="([^"]+)"/)?.[1] ?? '',
      type: 'receipt_not_received',
      description: 'No receipt by SMS.',
    });
    const id = complaintIdOf(raised);
    expect(id).toMatch(/^CMP/);
    const { browser } = await signIn(stack);
    const others = await browser.go(`${stack.portal}/complaints/${id}`);
    const unknown = await browser.go(`${stack.portal}/complaints/CMP000000000000`);
    expect(others.status).toBe(404);
    expect(unknown.status).toBe(404);
    const comparable = (html: string) => html.replace(/name="(csrf|returnTo)" value="[^"]*"/g, '');
    expect(comparable(others.html)).toBe(comparable(unknown.html));
    expect(others.html).not.toContain('No receipt by SMS.');
  });

  it('feedback on a completed payment is taken once, then thanked for with its score', async () => {
    const { browser, paymentId } = await citizenWithPayment();
    const page = await browser.go(`${stack.portal}/payments/${paymentId}`);
    expect(page.html).toContain('data-testid="feedback-form"');
    const given = await browser.post(page, `${stack.portal}/payments/${paymentId}/feedback`, {
      score: '3',
      comment: 'Fine.',
    });
    expect(given.html).toContain('You rated paying: 3 out of 5 (Neither good nor poor).');
    const again = await browser.post(page, `${stack.portal}/payments/${paymentId}/feedback`, { score: '5' });
    expect(again.html).toContain('3 out of 5 (Neither good nor poor)');
    expect(again.html).not.toContain('data-testid="feedback-form"');
  });
});
