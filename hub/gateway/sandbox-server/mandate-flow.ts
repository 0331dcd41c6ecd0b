import { SandboxApiError } from './api-error.js';
import type { MandateBook } from './mandate-book.js';
import type { OrderBook, SandboxOrder } from './order-book.js';
import type { PaymentFlow } from './payment-flow.js';

export interface ChargeRequest {
  merchantRef: string;
  amountMinor: number;
  currency: string;
  description: string;
}

/**
 * A debit against a mandate: an order of the order book, paid at once by the mandate (no hosted
 * page), so its capture goes out through the same signed webhooks and can be refunded like any
 * order. Idempotent on the charge's merchantRef.
 */
export class MandateFlow {
  constructor(
    private readonly mandates: MandateBook,
    private readonly orders: OrderBook,
    private readonly payments: PaymentFlow,
  ) {}

  /** The charge (created: false for a repeat, which moves no money). */
  charge(mandateId: string, request: ChargeRequest): { order: SandboxOrder; created: boolean } {
    const mandate = this.mandates.get(mandateId);
    const earlier = this.mandates.chargeOf(mandateId, request.merchantRef);
    if (earlier) {
      const order = this.orders.get(earlier);
      if (order.amountMinor !== request.amountMinor || order.currency !== request.currency) {
        throw new SandboxApiError(409, 'merchant_ref_conflict', 'merchantRef was used for another charge');
      }
      return { order, created: false };
    }
    this.mandates.checkChargeable(mandate, request.amountMinor, request.currency);
    const { order, created } = this.orders.open({
      merchantRef: request.merchantRef,
      amountMinor: request.amountMinor,
      currency: request.currency,
      description: request.description,
      returnUrl: mandate.returnUrl,
    });
    // The same merchantRef already names an order paid some other way: not this mandate's to take.
    if (!created) throw new SandboxApiError(409, 'merchant_ref_conflict', 'merchantRef names another order');
    this.mandates.recordCharge(mandateId, request.merchantRef, order.id);
    return { order: this.payments.settle(order.id, mandate.chargeOutcome, 'netbanking'), created: true };
  }

  /** The order a mandate's charge made for a merchantRef, if it made one. */
  find(mandateId: string, merchantRef: string): SandboxOrder | undefined {
    this.mandates.get(mandateId);
    const orderId = this.mandates.chargeOf(mandateId, merchantRef);
    return orderId ? this.orders.get(orderId) : undefined;
  }
}
