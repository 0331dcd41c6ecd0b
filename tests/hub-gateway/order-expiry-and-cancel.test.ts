import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payAtHostedCheckout } from '../support/hosted-checkout.js';
import { type GatewayHarness, orderInput, startGateway } from './harness.js';

const MINUTE = 60_000;

/** A citizen's browser posting the hosted checkout form. */
const pay = (checkoutUrl: string, outcome = 'success') => payAtHostedCheckout(checkoutUrl, { outcome });

describe('orders that must no longer take money', () => {
  let h: GatewayHarness;
  // The sandbox's clock: moved by the tests, never waited for.
  let clock = Date.now();

  beforeAll(async () => {
    h = await startGateway({ now: () => clock });
  });
  afterAll(() => h.close());

  it('an order past its expiresAt cannot be paid on its hosted page, and reads as expired', async () => {
    const { orderId, checkoutUrl } = await h.client.createOrder({
      ...orderInput(),
      expiresAt: new Date(clock + 30 * MINUTE),
    });
    clock += 31 * MINUTE;

    expect((await pay(checkoutUrl)).status).toBe(303);
    expect(await h.client.getOrder(orderId)).toMatchObject({ status: 'expired', capturedMinor: 0 });
    expect(await (await fetch(checkoutUrl)).text()).toContain('This order is expired');
    const simulated = await h.api('POST', `/v1/orders/${orderId}/simulate`, { outcome: 'success', method: 'card' });
    expect(simulated.status).toBe(409);
  });

  it('an order paid before its expiresAt stays captured afterwards', async () => {
    const { orderId, checkoutUrl } = await h.client.createOrder({
      ...orderInput(),
      expiresAt: new Date(clock + 30 * MINUTE),
    });
    await pay(checkoutUrl);
    clock += 31 * MINUTE;
    expect((await h.client.getOrder(orderId)).status).toBe('captured');
  });

  it('a cancelled order can no longer be paid on its hosted page', async () => {
    const order = orderInput();
    const { orderId, checkoutUrl } = await h.client.createOrder(order);

    expect(await h.client.cancelOrder(orderId)).toMatchObject({ orderId, status: 'cancelled' });
    // Cancelling again is harmless.
    expect((await h.client.cancelOrder(orderId)).status).toBe('cancelled');
    await pay(checkoutUrl);
    expect(await h.client.getOrder(orderId)).toMatchObject({ status: 'cancelled', capturedMinor: 0 });
    // A repeated create for the same payment is the same (cancelled) order, not a payable new one.
    expect((await h.client.createOrder(order)).orderId).toBe(orderId);
  });

  it('cancelling an order that was already paid answers the captured order, for the hub to apply', async () => {
    const { orderId, checkoutUrl } = await h.client.createOrder(orderInput(5_000));
    await pay(checkoutUrl);

    expect(await h.client.cancelOrder(orderId)).toMatchObject({
      orderId,
      status: 'captured',
      capturedMinor: 5_000,
      capturedCurrency: 'INR',
    });
  });
});
