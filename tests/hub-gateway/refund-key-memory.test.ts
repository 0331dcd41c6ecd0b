import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayHarness, orderInput, startGateway } from './harness.js';

const HOUR = 3_600_000;

describe('refund keys the gateway forgets after 24 hours', () => {
  let h: GatewayHarness;
  let clock = Date.now();

  beforeAll(async () => {
    h = await startGateway({ now: () => clock });
  });
  afterAll(() => h.close());

  async function capturedOrder(amountMinor: number): Promise<string> {
    const { orderId } = await h.client.createOrder(orderInput(amountMinor));
    await h.api('POST', `/v1/orders/${orderId}/simulate`, { outcome: 'success', method: 'card' });
    return orderId;
  }

  it('the sandbox, like real gateways, makes a second refund for a key it has forgotten', async () => {
    const orderId = await capturedOrder(10_000);
    const post = () =>
      h.api('POST', `/v1/orders/${orderId}/refunds`, { amount: 1_000 }, { 'idempotency-key': `${orderId}-raw` });
    const first = (await (await post()).json()) as { id: string };
    clock += 25 * HOUR;
    const second = (await (await post()).json()) as { id: string };

    expect(second.id).not.toBe(first.id);
    expect((await h.client.getOrder(orderId)).refundedMinor).toBe(2_000);
  });

  it('a refund retried after the gateway forgot its key refunds once', async () => {
    const orderId = await capturedOrder(10_000);
    const input = { orderId, amountMinor: 2_500, refundKey: 'LIN-retried-for-days' };
    const first = await h.client.refund(input);
    clock += 25 * HOUR;
    const again = await h.client.refund(input);
    clock += 7 * 24 * HOUR;
    const weekLater = await h.client.refund(input);

    expect(again.refundId).toBe(first.refundId);
    expect(weekLater.refundId).toBe(first.refundId);
    expect((await h.client.getOrder(orderId)).refundedMinor).toBe(2_500);
    expect(await h.client.listRefunds(orderId)).toEqual([
      { refundId: first.refundId, status: 'succeeded', amountMinor: 2_500, reference: 'LIN-retried-for-days' },
    ]);
  });
});
