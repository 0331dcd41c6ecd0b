import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInIndia } from '../../hub/bills/indian-day.js';
import { type CapturedMessage, readCaptured } from '../../infra/notifier/index.js';
import type { Redis } from '../../infra/redis.js';
import { type MachineClient, machineClient, machineToken } from '../hub-api/machine-client.js';
import { startTestHub, type TestHub } from '../hub-api/test-hub.js';
import { waitFor } from '../hub-settlement/harness.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';

const SCOPES = ['demands:write', 'demands:read'];
const PORTAL = 'https://portal.billpay.example.in';

/** The Indian day `days` after today, YYYY-MM-DD. */
function inDays(days: number): string {
  const [y, m, d] = todayInIndia().split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** A one-line demand of `rupees` (no tax) for `email`, due in 15 days. */
const simpleDemand = (email: string, rupees: number) => ({
  payer: { email },
  title: 'Hall booking',
  lines: [{ description: 'Hall rent', amountMinor: rupees * 100, taxMinor: 0, taxes: [] }],
  dueDate: inDays(15),
});

/**
 * Issue 11, F1: the provider API's amend and cancel routes tell the payer what changed, through
 * the same notifier hook as a new demand, once per demand version.
 */
describe('a demand amended or cancelled through the provider API tells its payer', () => {
  const provider: MachineClient = machineClient('changing-hall', SCOPES);
  let idp: TestIdp;
  let hub: TestHub;
  let token: string;

  const api = (path: string, init: { method?: string; body?: unknown; key?: string } = {}) =>
    fetch(`${hub.url}/api/v1${path}`, {
      method: init.method ?? 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(init.key ? { 'idempotency-key': init.key } : {}),
      },
      body: JSON.stringify(init.body),
    });
  const raise = async (body: unknown) => {
    const res = await api('/demands', { body, key: randomUUID() });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { reference: string; version: number };
  };
  const messagesTo = (to: string, count: number) =>
    waitFor(`${count} messages to ${to}`, async () => {
      const all = await readCaptured(hub.service.redis as Redis, to);
      // The capture list is newest first: oldest first reads in the order sent.
      return all.length >= count && [...all].reverse();
    }) as Promise<CapturedMessage[]>;

  beforeAll(async () => {
    idp = await startTestIdp(provider.env, { extraClients: [provider.entry] });
    hub = await startTestHub(idp.issuer, HUB_API, { PORTAL_PUBLIC_URL: PORTAL });
    token = await machineToken(idp, provider, SCOPES.join(' '));
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it('an amendment of the amount tells the payer the new total, what it was, and the reference, once per version', async () => {
    const demand = await raise(simpleDemand('amend.told@example.org', 300));
    const res = await api(`/demands/${demand.reference}`, {
      method: 'PATCH',
      body: {
        reason: 'Rate revised',
        lines: [{ description: 'Hall rent', amountMinor: 35_000, taxMinor: 0, taxes: [] }],
      },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const [received, amended] = await messagesTo('amend.told@example.org', 2);
    expect(received?.subject).toContain(demand.reference);
    expect(amended?.subject).toContain(`changed payment request ${demand.reference}`);
    expect(amended?.text).toContain('New total: ₹350.00 (was ₹300.00)');
    expect(amended?.text).toContain(`${PORTAL}/demands/${demand.reference}`);

    // A second amendment is another version: told again; reading the demand tells nothing more.
    await api(`/demands/${demand.reference}`, { method: 'PATCH', body: { reason: 'Moved', dueDate: inDays(20) } });
    const three = await messagesTo('amend.told@example.org', 3);
    expect(three[2]?.text).toContain('The due dates have changed.');
    await fetch(`${hub.url}/api/v1/demands/${demand.reference}`, { headers: { authorization: `Bearer ${token}` } });
    expect(await readCaptured(hub.service.redis as Redis, 'amend.told@example.org')).toHaveLength(3);
  });

  it('a cancellation tells the payer there is nothing more to pay and that a payment in flight is refunded, once', async () => {
    const demand = await raise(simpleDemand('cancel.told@example.org', 200));
    const cancel = () => api(`/demands/${demand.reference}/cancel`, { body: { reason: 'Booking withdrawn' } });
    expect((await cancel()).status).toBe(200);
    const [, cancelled] = await messagesTo('cancel.told@example.org', 2);
    expect(cancelled?.subject).toContain(`cancelled payment request ${demand.reference}`);
    expect(cancelled?.text).toContain('You need not pay it.');
    expect(cancelled?.text).toContain('refunded to you in full');
    // Cancelling again changes nothing and tells nothing new.
    expect((await cancel()).status).toBe(200);
    expect(await readCaptured(hub.service.redis as Redis, 'cancel.told@example.org')).toHaveLength(2);
  });
});
