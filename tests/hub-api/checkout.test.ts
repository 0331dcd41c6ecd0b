import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../hub/ledger/index.js';
import { Browser } from '../idp/support/browser.js';
import { login, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';
import { payAtHostedCheckout } from '../support/hosted-checkout.js';
import { freshConsumers, payableToday } from './fresh-consumers.js';
import { type ApiInit, callHubApi, startTestHub, type TestHub } from './test-hub.js';

interface Bill {
  billNumber: string;
  amountDueMinor: number;
  earlyPayment?: { until: string; amountMinor: number };
  latePayment?: { from: string; amountMinor: number };
}
interface PaymentView {
  id: string;
  status: string;
  totalMinor: number;
  lines: { status: string; amountMinor: number }[];
  timeline: { event: string }[];
}

describe('checkout and capture', () => {
  let idp: TestIdp;
  let hub: TestHub;
  let asha: string;
  let ravi: string;
  let readOnly: string;
  // Each test pays bills of its own: a bill already paid (or in a newer checkout) is refused.
  const nextConsumers = freshConsumers();
  let lines: { billerId: string; consumer: Record<string, string>; billNumber: string; amountMinor: number }[];

  const call = (path: string, token: string | undefined, init: ApiInit = {}) => callHubApi(hub, path, token, init);
  const checkout = (body: unknown, key: string, token = asha) =>
    call('/checkouts', token, { method: 'POST', body: JSON.stringify(body), key });
  const payment = async (id: string, token = asha) =>
    (await (await call(`/payments/${id}`, token)).json()) as PaymentView;
  const until = async (id: string, status: string) => {
    for (let i = 0; i < 50; i++) {
      const current = await payment(id);
      if (current.status === status) return current;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`payment ${id} never became ${status}: ${JSON.stringify(await payment(id))}`);
  };
  const simulate = (orderCheckoutUrl: string, outcome: 'success' | 'failure' | 'pending') =>
    payAtHostedCheckout(orderCheckoutUrl, { outcome });

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    hub = await startTestHub(idp.issuer, HUB_API);
    const rp = await relyingParty(idp, idp.hub);
    const token = async (identifier: string, scope: string) =>
      (await login(idp, new Browser([idp.hub.redirectUri]), rp, idp.hub, { identifier, scope, resource: HUB_API }))
        .tokens.access_token;
    asha = await token('asha.pay@example.org', 'openid bills:read accounts:write payments:read payments:write');
    ravi = await token('ravi.pay@example.org', 'openid bills:read accounts:write payments:read payments:write');
    readOnly = await token('readonly.pay@example.org', 'openid bills:read payments:read');
  });
  beforeEach(async () => {
    const { electricity, gas } = nextConsumers();
    const billOf = async (path: string) => ((await (await call(path, asha)).json()) as { bill: Bill }).bill;
    const e = await billOf(`/billers/state-electricity/bill?consumerNumber=${electricity.consumerNumber}`);
    const g = await billOf(`/billers/metro-gas/bill?bpNumber=${gas.bpNumber}`);
    lines = [
      { billerId: 'state-electricity', consumer: electricity, billNumber: e.billNumber, amountMinor: payableToday(e) },
      { billerId: 'metro-gas', consumer: gas, billNumber: g.billNumber, amountMinor: payableToday(g) },
    ];
  });
  // Money recorded so far always balances: captured = settled + refunded + in flight.
  afterEach(async () => {
    expect((await new Ledger(hub.service.mongo).checkLedger()).problems).toEqual([]);
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it('creates one payment with a line per bill and a gateway checkout, captured by the signed webhook', async () => {
    const res = await checkout({ lines }, randomUUID());
    expect(res.status).toBe(201);
    const { payment: created, checkoutUrl } = (await res.json()) as { payment: PaymentView; checkoutUrl: string };
    expect(created.status).toBe('awaiting_payment');
    expect(created.totalMinor).toBe(
      (lines[0] as { amountMinor: number }).amountMinor + (lines[1] as { amountMinor: number }).amountMinor,
    );
    expect(created.lines.map((l) => l.status)).toEqual(['pending', 'pending']);
    expect(checkoutUrl).toMatch(/\/checkout\//);

    const page = await fetch(checkoutUrl);
    expect(page.status).toBe(200);
    const answer = await simulate(checkoutUrl, 'success');
    expect(answer.status).toBe(303);
    const settled = await until(created.id, 'settling');
    expect(settled.timeline.map((t) => t.event)).toEqual(
      expect.arrayContaining(['order_created', 'payment_captured', 'settlement_started']),
    );
    expect(hub.settlementStarts.filter((id) => id === created.id)).toHaveLength(1);
  });

  it('makes one payment from 20 concurrent identical checkouts, and refuses the key with another body', async () => {
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 20 }, () => checkout({ lines }, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    const ids = new Set(
      await Promise.all(answers.map(async (a) => ((await a.json()) as { payment: PaymentView }).payment.id)),
    );
    expect(ids.size).toBe(1);
    const replay = await checkout({ lines }, key);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const other = await checkout({ lines: [lines[0]] }, key);
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ code: 'idempotency_key_reused' });
  });

  it('replays the stored first answer while the gateway is down, marked Idempotent-Replayed', async () => {
    const key = randomUUID();
    const first = await checkout({ lines }, key);
    expect(first.status).toBe(201);
    const { payment: created, checkoutUrl } = (await first.json()) as { payment: PaymentView; checkoutUrl: string };
    hub.setGatewayDown(true);
    try {
      const replay = await checkout({ lines }, key);
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await replay.json()).toMatchObject({ payment: { id: created.id }, checkoutUrl });
      // A new checkout needs the gateway: it is refused as unavailable, not answered from memory.
      const fresh = await checkout({ lines: [lines[1]] }, randomUUID());
      expect(fresh.status).toBe(503);
      // The gateway's own message stays inside; the client learns it may retry with the same key.
      expect(await fresh.json()).toMatchObject({ status: 503, code: 'gateway_unavailable', retryable: true });
    } finally {
      hub.setGatewayDown(false);
    }
  });

  it('refuses a second payment of a paid bill with 409 naming the first, and a replay of a superseded checkout with 410', async () => {
    const { payment: older } = (await (await checkout({ lines }, randomUUID())).json()) as { payment: PaymentView };
    const olderKey = randomUUID();
    // A second tab for the first bill supersedes the older checkout.
    const tab = await checkout({ lines: [lines[0]] }, olderKey);
    expect(tab.status).toBe(201);
    const { payment: newer, checkoutUrl } = (await tab.json()) as { payment: PaymentView; checkoutUrl: string };
    expect((await payment(older.id)).status).toBe('cancelled');
    await simulate(checkoutUrl, 'success');
    await until(newer.id, 'settling');

    const again = await checkout({ lines: [lines[0]] }, randomUUID());
    expect(again.status).toBe(409);
    // RFC 9457: the body's status is the HTTP status; the earlier payment's own status has its own name.
    expect(await again.json()).toMatchObject({
      status: 409,
      code: 'bill_already_paid',
      paymentId: newer.id,
      paymentStatus: expect.stringMatching(/^(captured|settling|completed)$/),
    });
    const dues = await checkout({ lines: [lines[1]] }, randomUUID());
    expect(dues.status).toBe(201);
  });

  it('keeps idempotency keys per citizen', async () => {
    const key = randomUUID();
    const a = (await (await checkout({ lines }, key)).json()) as { payment: PaymentView };
    const r = (await (await checkout({ lines }, key, ravi)).json()) as { payment: PaymentView };
    expect(r.payment.id).not.toBe(a.payment.id);
  });

  it('refuses bad amounts, unknown billers, malformed numbers, stale bills and a missing key, storing nothing', async () => {
    const before = ((await (await call('/payments', asha)).json()) as { payments: unknown[] }).payments.length;
    const bad = (override: object) => ({ lines: [{ ...lines[0], ...override }] });
    for (const amountMinor of [0, -100, 10.5, 1e21, '100']) {
      const res = await checkout(bad({ amountMinor }), randomUUID());
      expect(res.status, String(amountMinor)).toBe(400);
    }
    expect((await checkout(bad({ billerId: 'telecom-x' }), randomUUID())).status).toBe(404);
    expect((await checkout(bad({ consumer: { consumerNumber: '12-34' } }), randomUUID())).status).toBe(422);
    const stale = await checkout(bad({ billNumber: 'OLD-BILL' }), randomUUID());
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ code: 'bill_changed' });
    const below = await checkout(
      bad({ amountMinor: (lines[0] as { amountMinor: number }).amountMinor - 1 }),
      randomUUID(),
    );
    expect(below.status).toBe(422);
    expect(await below.json()).toMatchObject({ code: 'amount_not_allowed', exactness: 'EXACT_AND_ABOVE' });
    expect((await call('/checkouts', asha, { method: 'POST', body: JSON.stringify({ lines }) })).status).toBe(400);
    const twice = await checkout({ lines: [lines[0], { ...lines[0], amountMinor: 100 }] }, randomUUID());
    expect(twice.status).toBe(422);
    expect(await twice.json()).toMatchObject({ code: 'duplicate_bill', line: 1 });
    const huge = await checkout({ lines, note: 'x'.repeat(1024 * 1024) }, randomUUID());
    expect(huge.status).toBe(413);
    const after = ((await (await call('/payments', asha)).json()) as { payments: unknown[] }).payments.length;
    expect(after).toBe(before);
  });

  it('needs payments:write to check out, and shows a payment only to its citizen', async () => {
    expect((await checkout({ lines }, randomUUID(), readOnly)).status).toBe(403);
    const { payment: mine } = (await (await checkout({ lines }, randomUUID())).json()) as { payment: PaymentView };
    expect((await call(`/payments/${mine.id}`, ravi)).status).toBe(404);
    expect((await call(`/payments/${mine.id}/sync`, ravi, { method: 'POST' })).status).toBe(404);
    expect((await call(`/payments/${mine.id}`, asha)).status).toBe(200);
  });

  it('marks a failed gateway payment failed, and ignores a later duplicate of its events', async () => {
    const { payment: created, checkoutUrl } = (await (await checkout({ lines }, randomUUID())).json()) as {
      payment: PaymentView;
      checkoutUrl: string;
    };
    await simulate(checkoutUrl, 'failure');
    const failed = await until(created.id, 'failed');
    expect(failed.lines.every((l) => l.status === 'pending')).toBe(true);
    expect(hub.settlementStarts).not.toContain(created.id);
  });

  it('captures a pending gateway payment when it is confirmed, once, even if the webhook repeats', async () => {
    const { payment: created, checkoutUrl } = (await (await checkout({ lines }, randomUUID())).json()) as {
      payment: PaymentView;
      checkoutUrl: string;
    };
    await simulate(checkoutUrl, 'pending');
    expect((await payment(created.id)).status).toBe('awaiting_payment');
    await until(created.id, 'settling');
    const deliveries = (await (await fetch(`${hub.sandboxes.gateway}/__sandbox/webhooks`)).json()) as {
      deliveries?: { eventId: string }[];
    };
    for (const delivery of deliveries.deliveries ?? []) {
      await fetch(`${hub.sandboxes.gateway}/__sandbox/webhooks/replay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ eventId: delivery.eventId }),
      });
    }
    await new Promise((r) => setTimeout(r, 300));
    const after = await payment(created.id);
    expect(after.timeline.filter((t) => t.event === 'payment_captured')).toHaveLength(1);
    expect(hub.settlementStarts.filter((id) => id === created.id)).toHaveLength(1);
  });

  it('refuses a webhook with a bad signature', async () => {
    const res = await fetch(`${hub.url}/api/v1/gateway/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'gateway-signature': 't=1,v1=00' },
      body: JSON.stringify({ id: 'evt_forged', type: 'order.captured' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'webhook_rejected' });
  });
});
