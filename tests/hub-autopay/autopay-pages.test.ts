import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CitizenBrowser, heading, signIn } from '../hub-portal/support/citizen.js';
import { type PortalStack, startPortalStack } from '../hub-portal/support/portal-stack.js';
import type { Page } from '../idp/support/browser.js';

let stack: PortalStack;
let browser: CitizenBrowser;
beforeAll(async () => {
  stack = await startPortalStack();
  ({ browser } = await signIn(stack));
});
afterAll(async () => {
  await stack?.close();
});

const url = (path: string) => `${stack.portal}${path}`;
const statusOf = (page: Page) => page.html.match(/data-testid="autopay-status">([^<]*)</)?.[1]?.trim();

describe('the autopay pages', () => {
  it('sets autopay up with a limit, approves it on the gateway page, comes back on, then pauses, resumes and cancels it', async () => {
    const form = await browser.go(url('/accounts/new/state-electricity'));
    await browser.post(form, url('/accounts/new/state-electricity'), { 'consumer.consumerNumber': '1002003004' });

    const empty = await browser.go(url('/autopay'));
    expect(empty.status).toBe(200);
    expect(heading(empty)).toBe('Autopay');
    expect(empty.html).toContain('data-testid="no-autopay"');
    const accountId = empty.html.match(/name="accountId" type="radio" value="(ACC[0-9A-F]+)"/)?.[1] ?? '';
    expect(accountId).not.toBe('');

    const refused = await browser.post(empty, url('/autopay'), { accountId, limit: 'lots' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('Enter the limit in rupees');

    // On to the gateway's approval page (the browser follows the redirect there).
    const approval = await browser.post(empty, url('/autopay'), { accountId, limit: '5,000' });
    expect(approval.url).toMatch(new RegExp(`^${stack.hub.sandboxes.gateway}/mandates/mdt_`));
    expect(approval.html).toContain('₹5,000.00');
    const back = await browser.go(approval.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve',
    });
    expect(back.url).toBe(url('/autopay?notice=active'));
    expect(back.html).toContain('Autopay is on.');
    expect(statusOf(back)).toBe('On');
    const id = back.html.match(/data-autopay-id="(AUT[0-9A-F]+)"/)?.[1];

    const paused = await browser.post(back, url(`/autopay/${id}/pause`), {});
    expect(statusOf(paused)).toBe('Paused');
    const resumed = await browser.post(paused, url(`/autopay/${id}/resume`), {});
    expect(statusOf(resumed)).toBe('On');
    const cancelled = await browser.post(resumed, url(`/autopay/${id}/cancel`), {});
    expect(cancelled.html).toContain('Autopay is cancelled.');
    expect(statusOf(cancelled)).toBe('Cancelled');
    // The account is offered again for a new autopay.
    expect(cancelled.html).toContain(`type="radio" value="${accountId}"`);
  });

  it('a declined approval comes back with autopay off', async () => {
    const page = await browser.go(url('/autopay'));
    const accountId = page.html.match(/name="accountId" type="radio" value="(ACC[0-9A-F]+)"/)?.[1] ?? '';
    const approval = await browser.post(page, url('/autopay'), { accountId, limit: '1000' });
    const back = await browser.go(approval.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=decline',
    });
    expect(back.html).toContain('Autopay was not set up');
    expect(statusOf(back)).toBe('Not set up');
  });

  it('asks a signed-out visitor to sign in', async () => {
    const response = await fetch(url('/autopay'), { redirect: 'manual', headers: { accept: 'text/html' } });
    expect([302, 303]).toContain(response.status);
  });
});
