import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayRejectedError, RefundExceedsCapturedError } from '../../hub/gateway/port.js';
import { type GatewayHarness, orderInput, startGateway } from './harness.js';

let h: GatewayHarness;
beforeAll(async () => {
  h = await startGateway();
});
afterAll(() => h.close());

async function capturedOrder(amountMinor: number): Promise<string> {
  const { orderId } = await h.client.createOrder(orderInput(amountMinor));
  await h.api('POST', `/v1/orders/${orderId}/simulate`, { outcome: 'success', method: 'card' });
  return orderId;
}

describe('refunds', () => {
  it('a refund repeated with the same refundKey returns the same refund and moves money once', async () => {
    const orderId = await capturedOrder(10_000);
    const first = await h.client.refund({ orderId, amountMinor: 2_500, refundKey: 'line-1' });
    const again = await h.client.refund({ orderId, amountMinor: 2_500, refundKey: 'line-1' });

    expect(first).toEqual({
      refundId: expect.stringMatching(/^rfnd_/),
      status: 'succeeded',
      amountMinor: 2_500,
      reference: 'line-1',
    });
    expect(again).toEqual(first);
    expect((await h.client.getOrder(orderId)).refundedMinor).toBe(2_500);
  });

  it('partial refunds add up, each with its own refund.succeeded webhook', async () => {
    const orderId = await capturedOrder(10_000);
    const a = await h.client.refund({ orderId, amountMinor: 3_000, refundKey: `${orderId}-a` });
    const b = await h.client.refund({ orderId, amountMinor: 7_000, refundKey: `${orderId}-b` });

    expect(a.refundId).not.toBe(b.refundId);
    expect(await h.client.getOrder(orderId)).toMatchObject({ capturedMinor: 10_000, refundedMinor: 10_000 });
    await h.receiver.waitFor(() => h.receiver.forOrder(orderId).length === 3);
    const events = h.receiver.forOrder(orderId).map((hook) => h.client.verifyWebhook(hook.rawBody, hook.headers));
    expect(events.map(({ type, amountMinor, refundId }) => ({ type, amountMinor, refundId }))).toEqual([
      { type: 'order.captured', amountMinor: 10_000, refundId: undefined },
      { type: 'refund.succeeded', amountMinor: 3_000, refundId: a.refundId },
      { type: 'refund.succeeded', amountMinor: 7_000, refundId: b.refundId },
    ]);
  });

  it('refuses to refund more than captured minus refunded, and changes nothing', async () => {
    const orderId = await capturedOrder(10_000);
    await h.client.refund({ orderId, amountMinor: 6_000, refundKey: `${orderId}-1` });
    const error = await h.client
      .refund({ orderId, amountMinor: 4_001, refundKey: `${orderId}-2` })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RefundExceedsCapturedError);
    expect(error).toMatchObject({ requestedMinor: 4_001, refundableMinor: 4_000, retryable: false, status: 409 });
    expect((await h.client.getOrder(orderId)).refundedMinor).toBe(6_000);
    // The refused key was not spent: the same key can carry a valid amount.
    expect((await h.client.refund({ orderId, amountMinor: 4_000, refundKey: `${orderId}-2` })).status).toBe(
      'succeeded',
    );
  });

  it('refuses to refund an order that was not captured', async () => {
    const { orderId } = await h.client.createOrder(orderInput());
    const error = await h.client
      .refund({ orderId, amountMinor: 1, refundKey: `${orderId}-x` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayRejectedError);
    expect(error).toMatchObject({ gatewayCode: 'order_not_captured' });
  });

  it('refuses a refundKey reused for another amount with 409', async () => {
    const orderId = await capturedOrder(10_000);
    await h.client.refund({ orderId, amountMinor: 100, refundKey: `${orderId}-k` });
    const error = await h.client
      .refund({ orderId, amountMinor: 200, refundKey: `${orderId}-k` })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ gatewayCode: 'idempotency_key_reused', retryable: false });
  });

  it('requires an Idempotency-Key on the wire', async () => {
    const orderId = await capturedOrder(1_000);
    const response = await h.api('POST', `/v1/orders/${orderId}/refunds`, { amount: 100 });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: { code: 'idempotency_key_required' } });
  });
});
