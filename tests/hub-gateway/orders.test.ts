import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayOrderNotFoundError, GatewayRejectedError } from '../../hub/gateway/port.js';
import { type GatewayHarness, orderInput, PENDING_DELAY_MS, startGateway } from './harness.js';

let h: GatewayHarness;
beforeAll(async () => {
  h = await startGateway();
});
afterAll(() => h.close());

const typesFor = (orderId: string) => h.receiver.forOrder(orderId).map((hook) => hook.event.type);

describe('orders', () => {
  it('creating an order twice with the same paymentId returns the same order', async () => {
    const input = orderInput();
    const first = await h.client.createOrder(input);
    const again = await h.client.createOrder(input);
    const other = await h.client.createOrder(orderInput());

    expect(again).toEqual(first);
    expect(first.checkoutUrl).toBe(`${h.baseUrl}/checkout/${first.orderId}`);
    expect(other.orderId).not.toBe(first.orderId);
    expect(await h.client.getOrder(first.orderId)).toMatchObject({
      orderId: first.orderId,
      paymentId: input.paymentId,
      status: 'created',
      amountMinor: 123_450,
      currency: 'INR',
      capturedMinor: 0,
      refundedMinor: 0,
    });
  });

  it('answers 201 for a new merchantRef, 200 for its repeat and 409 for a repeat with another amount', async () => {
    const body = {
      merchantRef: `ref-${Date.now()}`,
      amount: 500,
      currency: 'INR',
      returnUrl: 'http://x.test/',
      description: '',
    };
    const created = await h.api('POST', '/v1/orders', body);
    const repeated = await h.api('POST', '/v1/orders', body);
    const conflicting = await h.api('POST', '/v1/orders', { ...body, amount: 600 });

    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ status: 'created', checkoutUrl: expect.any(String) });
    expect(repeated.status).toBe(200);
    expect(conflicting.status).toBe(409);
    expect(await conflicting.json()).toMatchObject({ error: { code: 'merchant_ref_conflict' } });
  });

  it('refuses a bad order with 422 in its error shape', async () => {
    const response = await h.api('POST', '/v1/orders', { merchantRef: 'x', amount: 10.5, currency: 'USD' });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', message: expect.any(String) } });
  });

  it('a simulated success is captured with its method, and its webhook verifies', async () => {
    const input = orderInput(99_900);
    const { orderId } = await h.client.createOrder(input);
    const simulated = await h.api('POST', `/v1/orders/${orderId}/simulate`, { outcome: 'success', method: 'upi' });
    expect(simulated.status).toBe(200);

    expect(await h.client.getOrder(orderId)).toMatchObject({
      status: 'captured',
      method: 'upi',
      capturedMinor: 99_900,
    });
    const [hook] = await h.receiver.waitFor(
      () => h.receiver.forOrder(orderId).length === 1 && h.receiver.forOrder(orderId),
    );
    expect(hook?.headers['gateway-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const event = h.client.verifyWebhook(hook?.rawBody ?? '', hook?.headers ?? {});
    expect(event).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'order.captured',
      orderId,
      paymentId: input.paymentId,
      amountMinor: 99_900,
      occurredAt: expect.any(String),
    });
  });

  it('a simulated failure fails the order and sends order.failed', async () => {
    const { orderId } = await h.client.createOrder(orderInput());
    await h.api('POST', `/v1/orders/${orderId}/simulate`, { outcome: 'failure', method: 'card' });

    expect(await h.client.getOrder(orderId)).toMatchObject({ status: 'failed', method: 'card', capturedMinor: 0 });
    await h.receiver.waitFor(() => typesFor(orderId).length === 1);
    expect(typesFor(orderId)).toEqual(['order.failed']);
  });

  it('a pending payment sends order.pending, then order.captured after the delay, in that order', async () => {
    const { orderId } = await h.client.createOrder(orderInput());
    await h.api('POST', `/v1/orders/${orderId}/simulate`, { outcome: 'pending', method: 'netbanking' });
    expect((await h.client.getOrder(orderId)).status).toBe('pending');

    await h.receiver.waitFor(() => typesFor(orderId).length === 2, PENDING_DELAY_MS + 2_000);
    expect(typesFor(orderId)).toEqual(['order.pending', 'order.captured']);
    const events = h.receiver.forOrder(orderId).map((hook) => h.client.verifyWebhook(hook.rawBody, hook.headers));
    expect(new Set(events.map((event) => event.id)).size).toBe(2);
    expect(await h.client.getOrder(orderId)).toMatchObject({ status: 'captured', method: 'netbanking' });
  });

  it('an order takes one outcome: a second is refused with 409', async () => {
    const { orderId } = await h.client.createOrder(orderInput());
    await h.api('POST', `/v1/orders/${orderId}/simulate`, { outcome: 'failure', method: 'card' });
    const second = await h.api('POST', `/v1/orders/${orderId}/simulate`, { outcome: 'success', method: 'card' });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: 'order_not_open' } });
    expect((await h.client.getOrder(orderId)).status).toBe('failed');
  });

  it('an unknown order is GatewayOrderNotFoundError, and 404 on the wire', async () => {
    await expect(h.client.getOrder('order_nope')).rejects.toBeInstanceOf(GatewayOrderNotFoundError);
    const response = await h.api('GET', '/v1/orders/order_nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'order_not_found' } });
  });

  it('a bad createOrder input is refused before anything is sent', async () => {
    await expect(h.client.createOrder({ ...orderInput(), amountMinor: 12.5 })).rejects.toBeInstanceOf(
      GatewayRejectedError,
    );
  });
});
