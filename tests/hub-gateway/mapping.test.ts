import { describe, expect, it } from 'vitest';
import { methodFrom, orderStatusFrom, refundStatusFrom, toGatewayOrder } from '../../hub/gateway/mapping.js';

describe('mapping the gateway words', () => {
  it('maps the known order words and makes every other word pending', () => {
    expect(['created', 'CAPTURED', ' failed ', 'pending'].map(orderStatusFrom)).toEqual([
      'created',
      'captured',
      'failed',
      'pending',
    ]);
    for (const word of ['authorized', 'paid?', '', 'constructor', '__proto__', undefined, 42]) {
      expect(orderStatusFrom(word)).toBe('pending');
    }
  });

  it('makes an unknown refund word pending and an unknown method absent', () => {
    expect(refundStatusFrom('processing')).toBe('pending');
    expect(refundStatusFrom('succeeded')).toBe('succeeded');
    expect(methodFrom('emi')).toBeUndefined();
    expect(methodFrom('UPI')).toBe('upi');
  });

  it('reads an order with an unknown status as pending, without a method it does not know', () => {
    const order = toGatewayOrder({
      id: 'order_1',
      merchantRef: 'pay_1',
      amount: 100,
      currency: 'INR',
      status: 'under_review',
      amountCaptured: 0,
      amountRefunded: 0,
      method: 'crypto',
      checkoutUrl: 'http://gw.test/checkout/order_1',
    });
    expect(order).toEqual({
      orderId: 'order_1',
      paymentId: 'pay_1',
      status: 'pending',
      amountMinor: 100,
      currency: 'INR',
      capturedMinor: 0,
      // A gateway that does not name the captured currency captures in the order's.
      capturedCurrency: 'INR',
      refundedMinor: 0,
    });
  });
});
