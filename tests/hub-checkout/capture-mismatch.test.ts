import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayOrder } from '../../hub/gateway/index.js';
import { type CheckoutHarness, startCheckoutHarness } from './harness.js';

describe('a capture must match the payment exactly (hole 2)', () => {
  let h: CheckoutHarness;
  beforeAll(async () => {
    h = await startCheckoutHarness('checkout_mismatch');
  });
  afterAll(() => h?.close());

  /** An open checkout of two bills and what its gateway order says now. */
  async function openCheckout() {
    const { payment } = await h.run(h.body(h.consumer(), h.consumer()));
    const order = await h.gateway.getOrder(payment.gateway.orderId as string);
    return { payment, order };
  }
  const captureTx = (paymentId: string) => h.ledger.model.findById(`capture:${paymentId}`).lean().exec();

  it('a capture of half the total holds the payment and settles nothing', async () => {
    const { payment, order } = await openCheckout();
    const half: GatewayOrder = {
      ...order,
      status: 'captured',
      capturedMinor: payment.totalMinor / 2,
      capturedCurrency: 'INR',
    };

    const after = await h.capture.apply(payment, half);

    expect(after.status).toBe('held');
    expect(after.hold).toMatchObject({ reason: 'capture_mismatch', detail: expect.stringContaining('expected') });
    expect(after.gateway).toMatchObject({ capturedMinor: payment.totalMinor / 2, capturedCurrency: 'INR' });
    expect(after.lines.map((l) => l.status)).toEqual(['pending', 'pending']);
    expect(h.settlementStarts).not.toContain(payment._id);
    // Rupees the gateway holds are on the books, for an operator to settle or refund.
    expect(await captureTx(payment._id)).toMatchObject({ kind: 'capture' });
    // A repeated event changes nothing.
    expect((await h.capture.apply(after, half)).status).toBe('held');
    expect(h.settlementStarts).not.toContain(payment._id);
  });

  it('a capture in USD instead of INR holds the payment, booked in dollars to the held account', async () => {
    const { payment, order } = await openCheckout();
    const dollars: GatewayOrder = {
      ...order,
      status: 'captured',
      capturedMinor: payment.totalMinor,
      capturedCurrency: 'USD',
    };

    const after = await h.capture.apply(payment, dollars);

    expect(after.status).toBe('held');
    expect(after.hold?.detail).toContain('USD');
    expect(h.settlementStarts).not.toContain(payment._id);
    const tx = await captureTx(payment._id);
    expect(tx).toMatchObject({ kind: 'capture', currency: 'USD' });
    expect(tx?.entries).toContainEqual(
      expect.objectContaining({ account: 'payments:held', creditMinor: payment.totalMinor }),
    );
    expect((await h.ledger.checkLedger(payment._id)).ok).toBe(true);
  });

  it('a capture of exactly the total in rupees settles', async () => {
    const { payment } = await openCheckout();
    await h.pay(payment.gateway.checkoutUrl as string);
    const after = await h.capture.sync(payment);
    expect(after.status).toBe('settling');
    expect(h.settlementStarts).toContain(payment._id);
  });
});
