import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FaultBook } from '../../adapters/sandboxes/shared/faults.js';
import { type GatewayHarness, orderInput, startGateway } from '../hub-gateway/harness.js';

/** The fault controls the chaos harness drives: biller faults per consumer, gateway faults per order. */

describe('biller sandbox faults', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('an injected rejection refuses only the next call when limited to one', async () => {
    const faults = new FaultBook();
    faults.inject('C1', { kind: 'reject', times: 1 });
    expect(await faults.apply('C1')).toEqual({ kind: 'reject' });
    expect(await faults.apply('C1')).toEqual({ kind: 'none' });
  });

  it('a fault limited in time is gone once its span has passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const faults = new FaultBook();
    faults.inject('C1', { kind: 'pending_then_accept', ms: 5_000, forMs: 10_000 });
    expect(await faults.apply('C1')).toEqual({ kind: 'pending', confirmAfterMs: 5_000 });
    vi.advanceTimersByTime(10_001);
    expect(await faults.apply('C1')).toEqual({ kind: 'none' });
  });

  it('a 5xx burst still answers 503 for exactly its count, and a reset of one consumer leaves the others', async () => {
    const faults = new FaultBook();
    faults.inject('C1', { kind: 'error_5xx', times: 2 });
    faults.inject('C2', { kind: 'reject' });
    expect((await faults.apply('C1')).kind).toBe('error_5xx');
    expect((await faults.apply('C1')).kind).toBe('error_5xx');
    expect((await faults.apply('C1')).kind).toBe('none');
    faults.reset('C1');
    expect((await faults.apply('C2')).kind).toBe('reject');
  });
});

describe('sandbox gateway faults', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startGateway();
  });
  afterAll(() => h.close());

  const pay = async (amountMinor?: number) => {
    const { orderId } = await h.client.createOrder(orderInput(amountMinor));
    return orderId;
  };
  const simulate = (orderId: string) =>
    h.api('POST', `/v1/orders/${orderId}/simulate`, { outcome: 'success', method: 'upi' });
  const deliveries = async (orderId: string) =>
    (
      (await (await h.api('GET', `/__sandbox/webhooks?order=${orderId}`)).json()) as {
        deliveries: { lastResult?: string; delivered: boolean }[];
      }
    ).deliveries;

  it('drops every webhook of an order whose webhooks are lost, and records them as dropped', async () => {
    const orderId = await pay();
    expect((await h.api('POST', '/__sandbox/faults', { order: orderId, kind: 'drop_webhooks' })).status).toBe(204);
    await simulate(orderId);
    const other = await pay();
    await simulate(other);
    // The other order's capture arriving shows the sender has worked through its queue.
    await h.receiver.waitFor(() => h.receiver.forOrder(other).length > 0, 10_000);
    expect(h.receiver.forOrder(orderId)).toEqual([]);
    expect(await deliveries(orderId)).toEqual([expect.objectContaining({ delivered: false, lastResult: 'dropped' })]);
  });

  it('a partial capture takes the injected amount, and the order and its event say so', async () => {
    const orderId = await pay(10_000);
    await h.api('POST', '/__sandbox/faults', { order: orderId, kind: 'partial_capture', amount: 4_000 });
    await simulate(orderId);
    const order = (await (await h.api('GET', `/v1/orders/${orderId}`)).json()) as {
      amount: number;
      amountCaptured: number;
    };
    expect(order).toMatchObject({ amount: 10_000, amountCaptured: 4_000 });
    const [hook] = await h.receiver.waitFor(
      () => h.receiver.forOrder(orderId).length > 0 && h.receiver.forOrder(orderId),
      10_000,
    );
    expect(JSON.parse(hook?.rawBody.toString() ?? '{}').data.order.amountCaptured).toBe(4_000);
  });

  it('lists each refund once with its idempotency key, however often the key is repeated', async () => {
    const orderId = await pay(10_000);
    await simulate(orderId);
    for (let i = 0; i < 2; i++) {
      await h.api('POST', `/v1/orders/${orderId}/refunds`, { amount: 2_500 }, { 'idempotency-key': 'LINE-A' });
    }
    const { refunds } = (await (await h.api('GET', `/__sandbox/refunds?order=${orderId}`)).json()) as {
      refunds: { key: string; amountMinor: number }[];
    };
    expect(refunds).toEqual([expect.objectContaining({ orderId, key: 'LINE-A', amountMinor: 2_500 })]);
  });
});
