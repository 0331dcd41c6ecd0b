import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemandStore } from '../../hub/demands/demand-store.js';
import { newReferenceNumber } from '../../hub/demands/reference-number.js';
import { hallRentInThree } from '../hub-demands/fixtures.js';
import { heading, signIn } from './support/citizen.js';
import { type PortalStack, startPortalStack } from './support/portal-stack.js';

// The demand pages on the real hub API (GET /dues/demands/{reference}, /dues, /checkouts): demands
// are raised in the hub's store, the citizen signs in through the real idp with the email the
// demand names.

let stack: PortalStack;
let store: DemandStore;
const payer = `payer-${randomBytes(5).toString('hex')}@example.in`;
let mine = '';
let someoneElses = '';
let cancelled = '';

beforeAll(async () => {
  stack = await startPortalStack();
  store = new DemandStore(stack.hub.service.mongo);
  const raise = async (email: string) =>
    (
      await store.create(hallRentInThree({ payer: { email } }), {
        actor: 'officer@city-halls',
        providerName: 'City Halls',
      })
    ).demand;
  mine = (await raise(payer)).reference;
  someoneElses = (await raise(`other-${randomBytes(5).toString('hex')}@example.in`)).reference;
  const toCancel = await raise(payer);
  cancelled = (await store.cancel(toCancel._id, { actor: 'officer@city-halls', reason: 'hall closed for repairs' }))
    .demand.reference;
});
afterAll(async () => {
  await stack?.close();
});

/** A page without what differs between any two renders (the CSRF token, the language switch's return path). */
const comparable = (html: string) => html.replace(/name="(csrf|returnTo)" value="[^"]*"/g, '');

describe('demand pages on the hub API', () => {
  it('the citizen’s own demand opens from its pay link, with the provider’s name, and is among their dues', async () => {
    const { browser, page: dashboard } = await signIn(stack, undefined, payer);
    expect(dashboard.html).toContain(`data-demand-reference="${mine}"`);
    expect(dashboard.html).not.toContain(`data-demand-reference="${cancelled}"`);
    const page = await browser.go(`${stack.portal}/demands/${mine}`);
    expect(page.status).toBe(200);
    expect(heading(page)).toBe('Community hall booking, 14 January');
    expect(page.html).toContain('From City Halls');
    expect(page.html).toContain('data-testid="demand-pay"');
    // Typed in lower case, the reference still opens the demand (the API reads it as typed).
    const typed = await browser.go(`${stack.portal}/demands/${mine.toLowerCase()}`);
    expect(typed.status).toBe(200);
  });

  it('another payer’s demand answers exactly the page an unknown reference does', async () => {
    const { browser } = await signIn(stack, undefined, payer);
    const other = await browser.go(`${stack.portal}/demands/${someoneElses}`);
    const unknown = await browser.go(`${stack.portal}/demands/${newReferenceNumber()}`);
    expect(other.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(comparable(other.html).replaceAll(someoneElses, 'REF')).toBe(
      comparable(unknown.html).replace(/DM-[\w-]+/g, 'REF'),
    );
    expect(other.html).not.toContain('Community hall booking');
  });

  it('a cancelled demand shows its state and cannot be paid', async () => {
    const { browser } = await signIn(stack, undefined, payer);
    const page = await browser.go(`${stack.portal}/demands/${cancelled}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-status="cancelled"');
    expect(page.html).not.toContain('data-testid="demand-pay"');
  });

  it('without a wallet on the hub (no WALLET_API_KEY) an open demand offers no wallet form', async () => {
    const { browser } = await signIn(stack, undefined, payer);
    const page = await browser.go(`${stack.portal}/demands/${mine}`);
    expect(page.html).toContain('data-testid="demand-pay-form"');
    expect(page.html).not.toContain('data-testid="wallet-form"');
  });

  it('paying from the demand page starts a real checkout for the next instalment and goes to the gateway', async () => {
    const { browser } = await signIn(stack, undefined, payer);
    const page = await browser.go(`${stack.portal}/demands/${mine}`);
    const attempt = page.html.match(/name="attempt" value="([^"]+)"/)?.[1] ?? '';
    const option = page.html.match(/name="option" type="radio" value="([^"]+)"/)?.[1];
    browser.stopAtPrefixes = [stack.hub.sandboxes.gateway];
    const sent = await browser.post(page, `${stack.portal}/demands/${mine}/pay`, {
      attempt,
      ...(option ? { option } : {}),
    });
    expect(sent.url.startsWith(stack.hub.sandboxes.gateway)).toBe(true);
    // The demand now shows the payment started for it.
    browser.stopAtPrefixes = [];
    const again = await browser.go(`${stack.portal}/demands/${mine}`);
    expect(again.html).toContain('data-testid="demand-in-checkout"');
  });
});
