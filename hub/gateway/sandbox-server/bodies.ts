import type { SandboxOrder, SandboxRefund } from './order-book.js';

/** The sandbox's JSON for orders, refunds and events: what the client's wire schemas read. */

export const checkoutUrl = (publicUrl: string, orderId: string) =>
  `${publicUrl}/checkout/${encodeURIComponent(orderId)}`;

export function orderBody(order: SandboxOrder, publicUrl: string) {
  return {
    id: order.id,
    merchantRef: order.merchantRef,
    amount: order.amountMinor,
    currency: order.currency,
    status: order.status,
    amountCaptured: order.capturedMinor,
    // The sandbox captures in the order's currency; a real gateway may report another.
    capturedCurrency: order.capturedMinor > 0 ? order.currency : null,
    amountRefunded: order.refundedMinor,
    method: order.method ?? null,
    instrument: order.instrument ?? null,
    description: order.description,
    returnUrl: order.returnUrl,
    checkoutUrl: checkoutUrl(publicUrl, order.id),
    expiresAt: order.expiresAt ?? null,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

export function refundBody(refund: SandboxRefund) {
  return {
    id: refund.id,
    orderId: refund.orderId,
    amount: refund.amountMinor,
    reference: refund.reference ?? null,
    status: refund.status,
    createdAt: refund.createdAt,
  };
}

export type SandboxEventType = 'order.captured' | 'order.failed' | 'order.pending' | 'refund.succeeded';

export interface SandboxEvent {
  id: string;
  type: SandboxEventType;
  createdAt: string;
  data: { order: ReturnType<typeof orderBody>; refund?: ReturnType<typeof refundBody> };
}
