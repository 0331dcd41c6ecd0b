import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '../idp/support/browser.js';
import { completeInteraction, title } from '../idp/support/relying-party.js';
import { paymentSummaryJson } from './fixtures.js';
import {
  appCode,
  type ConsoleStack,
  consoleBrowser,
  enrolApp,
  OPERATOR,
  OPERATOR_WITHOUT_APP,
  PROVIDER_MEMBER,
  type StubAnswer,
  type StubCall,
  startConsoleStack,
  TEAM,
} from './support/console-stack.js';

function answer(call: StubCall): StubAnswer {
  if (call.method === 'GET' && call.path.startsWith('/operator/payments')) {
    return { status: 200, json: { payments: [paymentSummaryJson()] } };
  }
  return { status: 404, json: { code: 'not_found', detail: 'no such route in the stub' } };
}

const h1 = (page: Page) => page.html.match(/<h1[^>]*>([^<]*)<\/h1>/)?.[1]?.trim() ?? '';

describe('signing in to the operator console at a real idp', () => {
  let stack: ConsoleStack;
  const browser = () => consoleBrowser(stack);

  beforeAll(async () => {
    stack = await startConsoleStack(answer);
  });
  afterAll(() => stack?.close());

  it('an operator with the authenticator app is asked for its code and lands on the payments page, with the team in the header, calling the hub with an operator token', async () => {
    const operator = browser();
    const secret = await enrolApp(stack.idp, operator, OPERATOR, 'Asha Operator');
    // Signed in at the idp with a code alone (the account page): the console asks for the app.
    const start = await operator.go(`${stack.consoleUrl}/auth/login`);
    expect(title(start)).toBe('Enter your authenticator code');
    const callback = await completeInteraction(stack.idp, operator, start, {
      identifier: OPERATOR,
      totp: () => appCode(secret, 1),
    });
    const page = await operator.go(callback.url);
    expect(page.status).toBe(200);
    expect(h1(page)).toBe('Payments');
    expect(page.html).toContain(`Asha Operator, ${TEAM.name}`);
    for (const section of ['payments', 'queues', 'complaints', 'risk', 'metrics', 'audit']) {
      expect(page.html).toContain(`data-testid="nav-${section}"`);
    }
    expect(page.html).toMatch(/href="\/payments" data-testid="nav-payments" aria-current="page"/);
    const call = stack.hub.calls.find((c) => c.path.startsWith('/operator/payments'));
    expect(call).toBeDefined();
  });

  it('a person with an authenticator app who is not in the operator team is not an operator, and the hub is not called', async () => {
    const operator = browser();
    const secret = await enrolApp(stack.idp, operator, 'ops.three@example.org', 'Not In Team');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    // ops.three is not in the roles file: signed in with the app, still no operator claims.
    const start = await operator.go(`${stack.consoleUrl}/auth/login`);
    const callback =
      start.status === 0
        ? start
        : await completeInteraction(stack.idp, operator, start, {
            identifier: 'ops.three@example.org',
            totp: () => appCode(secret, 1),
          });
    const page = await operator.go(callback.url);
    expect(page.status).toBe(403);
    expect(page.html).toContain('data-testid="not-operator"');
    const before = stack.hub.calls.length;
    const again = await operator.go(`${stack.consoleUrl}/payments`);
    expect(again.status).toBe(403);
    expect(stack.hub.calls).toHaveLength(before);
  });

  it('an operator without an authenticator app is told how to turn it on, and is never signed in on a code alone', async () => {
    const operator = browser();
    let page = await operator.go(`${stack.consoleUrl}/auth/login`);
    page = await operator.submit(page, '/identify', { identifier: OPERATOR_WITHOUT_APP });
    page = await operator.submit(page, '/verify', { code: await stack.idp.latestCode(OPERATOR_WITHOUT_APP) });
    page = await operator.submit(page, '/register', { name: 'Ravi Operator' });
    expect(page.status).toBe(403);
    expect(title(page)).toBe('Turn on your authenticator app first');
    expect(page.html).toContain('data-testid="operator-app-required"');
    expect(page.html).toContain('href="/account"');
    // Reloading the sign-in starts it again: no registration or used code is replayed.
    const reload = await operator.go(page.url.replace(/\/register$/, ''));
    expect(title(reload)).toBe('Sign in');
    // Nothing on the page continues the sign-in: the console sends the browser to sign in again.
    const payments = await operator.go(`${stack.consoleUrl}/payments`);
    expect(payments.url.startsWith(stack.idp.issuer)).toBe(true);
    expect(title(payments)).toBe('Sign in');
    // A second try with a fresh code ends on the same page.
    page = await operator.submit(payments, '/identify', { identifier: OPERATOR_WITHOUT_APP });
    page = await operator.submit(page, '/verify', { code: await stack.idp.latestCode(OPERATOR_WITHOUT_APP) });
    expect(page.status).toBe(403);
    expect(title(page)).toBe('Turn on your authenticator app first');
  });

  it('an operator signed in at the idp with a code alone is told at once how to turn on the app, without a new code', async () => {
    const operator = browser();
    // The account page signs in with a code alone.
    const start = await operator.go(`${stack.idp.issuer}/account`);
    await completeInteraction(stack.idp, operator, start, { identifier: OPERATOR_WITHOUT_APP });
    const sent = (await stack.idp.messages(OPERATOR_WITHOUT_APP)).length;
    const page = await operator.go(`${stack.consoleUrl}/auth/login`);
    expect(page.status).toBe(403);
    expect(title(page)).toBe('Turn on your authenticator app first');
    expect(await stack.idp.messages(OPERATOR_WITHOUT_APP)).toHaveLength(sent);
  });

  it('an operator without the role is refused: a citizen and a provider member see "not an operator"', async () => {
    for (const [identifier, name] of [
      ['citizen.only@example.org', 'Citizen Only'],
      [PROVIDER_MEMBER, 'Hall Clerk'],
    ] as const) {
      const person = browser();
      const start = await person.go(`${stack.consoleUrl}/auth/login`);
      const callback = await completeInteraction(stack.idp, person, start, { identifier, name });
      const page = await person.go(callback.url);
      expect(page.status).toBe(403);
      expect(h1(page)).toBe('Your account is not an operator account');
      expect(page.html).not.toContain('data-testid="nav-payments"');
    }
  });
});
