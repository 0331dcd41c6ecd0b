import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayHarness, orderInput, startGateway } from './harness.js';

let h: GatewayHarness;
beforeAll(async () => {
  h = await startGateway();
});
afterAll(() => h.close());

async function capturedOrder(): Promise<string> {
  const { orderId } = await h.client.createOrder(orderInput());
  await h.api('POST', `/v1/orders/${orderId}/simulate`, { outcome: 'success', method: 'upi' });
  return orderId;
}

async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 2_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (Date.now() > until) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('webhook delivery', () => {
  it('retries a webhook after the receiver first answers 500, with the same event id', async () => {
    h.receiver.answerNext(500);
    const orderId = await capturedOrder();

    const hooks = await h.receiver.waitFor(
      () => h.receiver.forOrder(orderId).length === 2 && h.receiver.forOrder(orderId),
    );
    expect(hooks.map((hook) => hook.status)).toEqual([500, 200]);
    expect(hooks[1]?.event.id).toBe(hooks[0]?.event.id);
    expect(hooks[1]?.rawBody.equals(hooks[0]?.rawBody ?? Buffer.alloc(0))).toBe(true);
    // The receiver records a delivery before its answer reaches the sandbox: wait for the sandbox's own account.
    const delivery = await eventually(async () => {
      const { deliveries } = (await (await h.api('GET', `/__sandbox/webhooks?order=${orderId}`)).json()) as {
        deliveries: Array<{ delivered: boolean }>;
      };
      return deliveries[0]?.delivered ? deliveries : undefined;
    });
    expect(delivery).toEqual([
      expect.objectContaining({ attempts: 2, delivered: true, lastResult: '200', type: 'order.captured' }),
    ]);
  });

  it('a replayed event arrives again with the same id and a valid signature, so the hub can dedupe', async () => {
    const orderId = await capturedOrder();
    const [original] = await h.receiver.waitFor(
      () => h.receiver.forOrder(orderId).length === 1 && h.receiver.forOrder(orderId),
    );
    const replay = await h.api('POST', '/__sandbox/webhooks/replay', { eventId: original?.event.id });
    expect(replay.status).toBe(202);

    const [, replayed] = await h.receiver.waitFor(
      () => h.receiver.forOrder(orderId).length === 2 && h.receiver.forOrder(orderId),
    );
    const first = h.client.verifyWebhook(original?.rawBody ?? '', original?.headers ?? {});
    const second = h.client.verifyWebhook(replayed?.rawBody ?? '', replayed?.headers ?? {});
    expect(second).toEqual(first);
  });

  it('replaying an unknown event is 404', async () => {
    const response = await h.api('POST', '/__sandbox/webhooks/replay', { eventId: 'evt_nope' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'event_not_found' } });
  });

  it('a slow receiver does not hold up the checkout answer', async () => {
    h.receiver.delayAnswers(2_000);
    try {
      const { orderId } = await h.client.createOrder(orderInput());
      const started = performance.now();
      const response = await h.api('POST', `/v1/orders/${orderId}/simulate`, { outcome: 'success', method: 'card' });
      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(1_000);
      // The webhook went out meanwhile; its answer is still being held.
      await h.receiver.waitFor(() => h.receiver.forOrder(orderId).length === 1);
    } finally {
      h.receiver.delayAnswers(0);
    }
  });
});
