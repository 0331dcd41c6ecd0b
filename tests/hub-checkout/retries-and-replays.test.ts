import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireUnpaid } from '../../hub/checkout/expire-unpaid.js';
import { type CheckoutHarness, refusal, startCheckoutHarness } from './harness.js';

describe('a checkout retried under its Idempotency-Key (holes 1 and 11)', () => {
  let h: CheckoutHarness;
  beforeAll(async () => {
    h = await startCheckoutHarness('checkout_retries');
  });
  afterAll(() => h?.close());

  it('replays the stored first answer without calling the gateway, even while the gateway is down', async () => {
    const key = randomUUID();
    const body = h.body(h.consumer());
    const first = await h.run(body, key);
    expect(first.created).toBe(true);
    expect(first.payment.status).toBe('awaiting_payment');
    expect((await h.reload(first.payment._id)).gateway.checkoutUrl).toBe(first.checkoutUrl);

    const ordersBefore = h.calls.createOrder;
    h.setGatewayDown(true);
    try {
      const replay = await h.run(body, key);
      expect(replay).toMatchObject({ created: false, checkoutUrl: first.checkoutUrl });
      expect(replay.payment._id).toBe(first.payment._id);
    } finally {
      h.setGatewayDown(false);
    }
    expect(h.calls.createOrder).toBe(ordersBefore);
  });

  it('a retry after a 503 makes the order then, and records it on the payment', async () => {
    const key = randomUUID();
    const body = h.body(h.consumer());
    h.setGatewayDown(true);
    const down = await refusal(h.run(body, key));
    h.setGatewayDown(false);
    expect(down).toMatchObject({ status: 503, code: 'gateway_unavailable' });

    const retry = await h.run(body, key);
    expect(retry.payment.status).toBe('awaiting_payment');
    const stored = await h.reload(retry.payment._id);
    expect(stored.gateway).toMatchObject({ checkoutUrl: retry.checkoutUrl, orderId: expect.any(String) });
  });

  it('a retry after the payment expired gets 410 and no payable URL, and makes no gateway order', async () => {
    const key = randomUUID();
    const body = h.body(h.consumer());
    h.setGatewayDown(true);
    await refusal(h.run(body, key));
    h.setGatewayDown(false);
    const [payment] = await h.payments.model.find({ idempotencyKey: key }).lean().exec();
    // The TTL passes: the stored expiry is now behind us.
    await h.payments.model.updateOne({ _id: payment?._id }, { $set: { expiresAt: new Date(Date.now() - 1_000) } });
    await expireUnpaid(h.upkeep());
    expect((await h.reload(String(payment?._id))).status).toBe('expired');

    const ordersBefore = h.calls.createOrder ?? 0;
    const closed = await refusal(h.run(body, key));
    expect(closed).toMatchObject({ status: 410, code: 'checkout_closed', details: { paymentStatus: 'expired' } });
    expect(closed.details.paymentId).toBe(payment?._id);
    expect(h.calls.createOrder ?? 0).toBe(ordersBefore);
  });

  it('an order made while the payment lapsed is still recorded, and a capture of it is settled, not lost', async () => {
    const key = randomUUID();
    const body = h.body(h.consumer());
    // Expiry runs while the order is being made, and the citizen pays that order at once.
    h.afterNextOrder(async (input, order) => {
      await h.payments.model.updateOne({ _id: input.paymentId }, { $set: { expiresAt: new Date(Date.now() - 1) } });
      await h.payments.transitionPayment(input.paymentId, 'created', 'expired', 'checkout_expired');
      await h.pay(order.checkoutUrl);
    });
    const closed = await refusal(h.run(body, key));
    expect(closed).toMatchObject({ status: 410, code: 'checkout_closed' });

    const payment = await h.reload(String(closed.details.paymentId));
    expect(payment.gateway.orderId).toEqual(expect.any(String));
    expect(payment.status).toBe('settling');
    expect(payment.timeline.map((t) => t.event)).toEqual(
      expect.arrayContaining(['checkout_expired', 'payment_captured', 'settlement_started']),
    );
    expect(h.settlementStarts).toContain(payment._id);
  });

  it('an order made while the payment lapsed and not paid is cancelled at the gateway', async () => {
    const key = randomUUID();
    h.afterNextOrder(async (input) => {
      await h.payments.model.updateOne({ _id: input.paymentId }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    });
    const closed = await refusal(h.run(h.body(h.consumer()), key));
    expect(closed).toMatchObject({ status: 410, code: 'checkout_closed' });
    const payment = await h.reload(String(closed.details.paymentId));
    expect((await h.gateway.getOrder(payment.gateway.orderId as string)).status).toBe('cancelled');
  });
});
