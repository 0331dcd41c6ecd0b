import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../hub/risk/risk-rules.js';
import { rulesView } from '../../hub/risk/risk-views.js';
import type { Browser, Page } from '../idp/support/browser.js';
import {
  type ConsoleStack,
  type StubAnswer,
  type StubCall,
  startSignedInConsole,
} from '../operator-console/support/console-stack.js';

const HELD = 'PAY7K2QH9X4TBM7K2QH9X4C';
const FLAGGED = 'PAY7K2QH9X4TBM7K2QH9X4D';
const VELOCITY_REASON = '2 checkouts by this citizen in the last 60 minutes (the limit is 1).';

const flagged = (id: string, review?: { status: string }) => ({
  id,
  createdAt: '2026-11-30T06:30:00.000Z',
  status: review ? 'captured' : 'completed',
  displayStatus: review ? 'under_review' : 'completed',
  totalMinor: 123_450,
  citizenSub: 'citizen-1',
  risk: {
    flags: [
      {
        rule: review ? 'checkout_velocity' : 'new_account_consumers',
        reason: review ? VELOCITY_REASON : 'An account first seen 5 minutes ago paid 7 different consumers.',
        stage: 'checkout',
        action: review ? 'review' : 'flag',
        at: '2026-11-30T06:30:00.000Z',
      },
    ],
    ...(review ? { review } : {}),
  },
  lines: [
    {
      id: 'LIN7K2QH9X4TBM7K2QH9X4TB',
      billerId: 'state-electricity',
      consumerMasked: '******4321',
      amountMinor: 123_450,
      status: 'pending',
    },
  ],
});

/** The hub's risk API as a stub: the default rules, one payment under review, one only flagged. */
function answer(call: StubCall): StubAnswer {
  if (call.method === 'GET' && call.path === '/operator/risk-rules')
    return { status: 200, json: rulesView(DEFAULT_RULES) };
  if (call.method === 'GET' && call.path === '/operator/queues/flagged') {
    return { status: 200, json: { payments: [flagged(HELD, { status: 'pending' }), flagged(FLAGGED)] } };
  }
  if (call.method === 'PUT' && call.path === '/operator/risk-rules') {
    const body = JSON.parse(call.body) as { rules: Record<string, { params?: Record<string, number> }> };
    if ((body.rules.checkout_velocity?.params?.windowMinutes ?? 1) > 43_200) {
      return {
        status: 400,
        json: { code: 'invalid_request', detail: 'rules.checkout_velocity: windowMinutes: Too big' },
      };
    }
    return { status: 200, json: rulesView(DEFAULT_RULES) };
  }
  if (call.method === 'POST' && call.path === `/operator/payments/${HELD}/review`) {
    const { decision } = JSON.parse(call.body) as { decision: string };
    if (decision === 'refund') {
      return {
        status: 409,
        json: {
          code: 'review_not_pending',
          detail: `the review of payment ${HELD} was already decided (released by Ops Two)`,
        },
      };
    }
    return { status: 200, json: { payment: flagged(HELD, { status: 'released' }) } };
  }
  return { status: 404, json: { code: 'not_found', detail: 'no such route in the stub' } };
}

/**
 * The console's Risk page against a stubbed hub, signed in at a real idp as an operator with the
 * authenticator app: the flags' reasons, the tuning form and the decision form, each needing a
 * reason, and the hub's refusal shown in words.
 */
describe('the operator console risk page', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  let page: Page;
  const calls = (method: string, path: string) => stack.hub.calls.filter((c) => c.method === method && c.path === path);
  /** Posts the checkout velocity rule's form from `from`: review over 3 checkouts in `windowMinutes`. */
  const submitVelocityRule = (from: Page, windowMinutes: string, reason: string) =>
    browser.submit(from, '/risk/rules/checkout_velocity', {
      enabled: 'yes',
      action: 'review',
      maxCheckouts: '3',
      windowMinutes,
      reason,
    });

  beforeAll(async () => {
    ({ stack, operator: browser } = await startSignedInConsole(answer));
  });
  afterAll(() => stack?.close());

  it('shows the payments under review first, each flag with its reason, and a decision form only on those', async () => {
    page = await browser.go(`${stack.consoleUrl}/risk`);
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/href="\/risk" data-testid="nav-risk" aria-current="page"/);
    expect(page.html).toContain('data-testid="pending-count">1 waiting for a review');
    expect(page.html.indexOf(HELD)).toBeLessThan(page.html.indexOf(FLAGGED));
    expect(page.html).toContain(VELOCITY_REASON);
    expect(page.html.match(/data-testid="review-form"/g)).toHaveLength(1);
    expect(page.html).toContain(`action="/risk/payments/${HELD}/review"`);
    expect(page.html.match(/data-testid="rule-form"/g)).toHaveLength(Object.keys(DEFAULT_RULES).length);
  });

  it('a rule change without a reason is refused on the page and never reaches the hub', async () => {
    page = await browser.go(`${stack.consoleUrl}/risk`);
    const before = calls('PUT', '/operator/risk-rules').length;
    const refused = await submitVelocityRule(page, '60', ' ');
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('data-testid="error-summary"');
    expect(refused.html).toContain('href="#checkout_velocity-reason"');
    expect(calls('PUT', '/operator/risk-rules')).toHaveLength(before);
  });

  it('a rule change is sent with its reason; the hub refusing a value is shown in its words', async () => {
    page = await browser.go(`${stack.consoleUrl}/risk`);
    const saved = await submitVelocityRule(page, '30', 'card testing wave');
    expect(saved.status).toBe(200);
    expect(saved.url).toContain('/risk?done=risk_rule.update');
    expect(saved.html).toContain('data-testid="done"');
    expect(JSON.parse(calls('PUT', '/operator/risk-rules').at(-1)?.body ?? '{}')).toEqual({
      rules: { checkout_velocity: { enabled: true, action: 'review', params: { maxCheckouts: 3, windowMinutes: 30 } } },
      reason: 'card testing wave',
    });

    const tooBig = await submitVelocityRule(saved, '99999', 'a month and more');
    expect(tooBig.status).toBe(400);
    expect(tooBig.html).toContain('rules.checkout_velocity: windowMinutes: Too big');
    // What the operator typed is kept.
    expect(tooBig.html).toContain('value="99999"');
  });

  it('a decision is sent with its reason; a decision the hub refuses shows its words', async () => {
    page = await browser.go(`${stack.consoleUrl}/risk`);
    const released = await browser.submit(page, `/risk/payments/${HELD}/review`, {
      decision: 'release',
      reason: 'the citizen confirmed by phone',
    });
    expect(released.url).toContain('/risk?done=risk_review.release');
    expect(JSON.parse(calls('POST', `/operator/payments/${HELD}/review`).at(-1)?.body ?? '{}')).toEqual({
      decision: 'release',
      reason: 'the citizen confirmed by phone',
    });

    const refused = await browser.submit(page, `/risk/payments/${HELD}/review`, {
      decision: 'refund',
      reason: 'card testing',
    });
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('was already decided (released by Ops Two)');

    const noDecision = await browser.submit(page, `/risk/payments/${HELD}/review`, { reason: 'hmm' });
    expect(noDecision.status).toBe(400);
    expect(noDecision.html).toContain(`href="#review-${HELD}-decision"`);
  });
});
