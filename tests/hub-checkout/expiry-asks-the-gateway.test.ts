import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireUnpaid } from '../../hub/checkout/expire-unpaid.js';
import { reconcileOpenOrders } from '../../hub/checkout/reconcile-open-orders.js';
import { freePort } from '../../scripts/local-services/free-port.js';
import { type CheckoutHarness, startCheckoutHarness, TTL_MINUTES } from './harness.js';

const PAST_TTL_MS = (TTL_MINUTES + 1) * 60_000;

describe('expiry and reconciliation ask the gateway first (hole 7)', () => {
  let h: CheckoutHarness;
  beforeAll(async () => {
    // The hub's webhook port is closed: every delivery attempt of every event fails.
    h = await startCheckoutHarness('checkout_expiry', {
      webhookUrl: `http://127.0.0.1:${await freePort()}/api/v1/gateway/webhooks`,
      webhookAttempts: 3,
    });
  });
  afterAll(() => h?.close());

  /** Waits until the gateway has given up delivering every webhook of the order. */
  async function deliveriesGiveUp(orderId: string): Promise<void> {
    for (let i = 0; i < 600; i++) {
      const res = await fetch(`${h.gw.baseUrl}/__sandbox/webhooks?order=${orderId}`);
      const { deliveries } = (await res.json()) as { deliveries: { attempts: number; delivered: boolean }[] };
      if (deliveries.length > 0 && deliveries.every((d) => !d.delivered && d.attempts >= 3)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the webhooks of ${orderId} were still being retried`);
  }

  it('a capture whose webhook never arrived ends captured and settling after the TTL, not expired', async () => {
    const { payment, checkoutUrl } = await h.run(h.body(h.consumer()));
    const orderId = payment.gateway.orderId as string;
    await h.pay(checkoutUrl);
    await deliveriesGiveUp(orderId);
    expect((await h.reload(payment._id)).status).toBe('awaiting_payment');

    // The clock passes the checkout's TTL; expiry runs.
    const report = await expireUnpaid(h.upkeep(PAST_TTL_MS));

    const after = await h.reload(payment._id);
    expect(after.status).toBe('settling');
    expect(after.timeline.map((t) => t.event)).not.toContain('checkout_expired');
    expect(report).toMatchObject({ captured: 1, expired: 0 });
    expect(h.settlementStarts).toContain(payment._id);
  });

  it('expiry cancels an unpaid order at the gateway before expiring its payment', async () => {
    const { payment, checkoutUrl } = await h.run(h.body(h.consumer()));
    await h.payments.model.updateOne({ _id: payment._id }, { $set: { expiresAt: new Date(Date.now() - 1_000) } });

    const report = await expireUnpaid(h.upkeep());

    expect(report.expired).toBeGreaterThanOrEqual(1);
    expect((await h.reload(payment._id)).status).toBe('expired');
    const orderId = payment.gateway.orderId as string;
    expect((await h.gateway.getOrder(orderId)).status).toBe('cancelled');
    await h.pay(checkoutUrl);
    expect((await h.gateway.getOrder(orderId)).capturedMinor).toBe(0);
  });

  it('a capture still pending at the gateway is left for the next run', async () => {
    const { payment, checkoutUrl } = await h.run(h.body(h.consumer()));
    await h.gw.api('POST', `/v1/orders/${payment.gateway.orderId}/simulate`, { outcome: 'pending', method: 'upi' });
    const report = await expireUnpaid(h.upkeep(PAST_TTL_MS));
    expect(report.pending).toBeGreaterThanOrEqual(1);
    expect((await h.reload(payment._id)).status).toBe('awaiting_payment');
    expect(checkoutUrl).toBeTruthy();
  });

  it('a gateway that cannot be reached leaves the payment for the next run', async () => {
    const { payment } = await h.run(h.body(h.consumer()));
    await h.payments.model.updateOne({ _id: payment._id }, { $set: { expiresAt: new Date(Date.now() - 1_000) } });
    h.setGatewayDown(true);
    try {
      const report = await expireUnpaid(h.upkeep());
      expect(report.errors).toBeGreaterThanOrEqual(1);
    } finally {
      h.setGatewayDown(false);
    }
    expect((await h.reload(payment._id)).status).toBe('awaiting_payment');
  });

  it('reconciliation captures an open order paid at the gateway whose webhook was lost', async () => {
    const { payment, checkoutUrl } = await h.run(h.body(h.consumer()));
    await h.pay(checkoutUrl);
    await deliveriesGiveUp(payment.gateway.orderId as string);

    const report = await reconcileOpenOrders(h.upkeep(60_000), { olderThanMinutes: 1 });

    expect(report.changed).toBeGreaterThanOrEqual(1);
    expect((await h.reload(payment._id)).status).toBe('settling');
  });
});
