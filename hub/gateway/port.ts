/**
 * The payment gateway port: what the hub needs from any gateway. The sandbox client is one
 * implementation; a real gateway is another, behind the same calls.
 */

/**
 * created: payable; pending: paid, capture not yet confirmed; captured: money taken; failed:
 * declined; cancelled: the merchant cancelled it (cancelOrder); expired: unpaid at expiresAt.
 * cancelled, expired and failed orders can no longer take money.
 */
export type OrderStatus = 'created' | 'pending' | 'captured' | 'failed' | 'cancelled' | 'expired';
export type PaymentMethod = 'card' | 'upi' | 'netbanking' | 'wallet';
export type RefundStatus = 'succeeded' | 'pending' | 'failed';
export type GatewayEventType =
  | 'order.captured'
  | 'order.failed'
  | 'order.pending'
  | 'refund.succeeded'
  | 'refund.failed';

export interface CreateOrderInput {
  /** The hub's payment id: the gateway dedupes on it, so a repeat returns the same order. */
  paymentId: string;
  /** Integer minor units (paise). */
  amountMinor: number;
  currency: string;
  /** Where the hosted checkout sends the citizen back, with `?order=<orderId>`. */
  returnUrl: string;
  description: string;
  /**
   * After this the gateway must take no money for the order (Razorpay's expire_by, Stripe's
   * expires_at): the hub's payment lapses then, so a page left open cannot be paid later.
   */
  expiresAt?: Date;
}

export interface CreatedOrder {
  orderId: string;
  checkoutUrl: string;
}

export interface GatewayOrder {
  orderId: string;
  paymentId: string;
  /** Only an explicit word from the gateway is final; anything it says that we do not know is pending. */
  status: OrderStatus;
  amountMinor: number;
  currency: string;
  capturedMinor: number;
  /** ISO 4217 currency of capturedMinor, as the gateway reports it; compared with the payment's. */
  capturedCurrency?: string;
  method?: PaymentMethod;
  refundedMinor: number;
  /**
   * The gateway's opaque fingerprint of the card paid or declined with (the same card gives the
   * same token across orders and customers), when it gives one: the risk rules count declines by it.
   */
  instrument?: string;
}

export interface RefundInput {
  orderId: string;
  amountMinor: number;
  /** The gateway dedupes on it: a repeat returns the first refund and moves no money. */
  refundKey: string;
}

export interface GatewayRefund {
  refundId: string;
  status: RefundStatus;
  /** Integer minor units, when the gateway says. */
  amountMinor?: number;
  /** The merchant reference it was made with: the hub's refundKey. */
  reference?: string;
}

export interface GatewayEvent {
  /** Unique per event and kept on redelivery: the hub dedupes on it. */
  id: string;
  type: GatewayEventType;
  orderId: string;
  paymentId: string;
  /** The captured amount for order events, the refund's amount for refund events. */
  amountMinor: number;
  /** ISO 8601. */
  occurredAt: string;
  /** Set on refund events. */
  refundId?: string;
}

export type WebhookHeaders = Record<string, string | string[] | undefined>;

export interface PaymentGateway {
  /** Names the implementation in logs and configuration, e.g. "sandbox". */
  readonly identifier: string;
  createOrder(input: CreateOrderInput): Promise<CreatedOrder>;
  getOrder(orderId: string): Promise<GatewayOrder>;
  /**
   * Cancels an unpaid order so its hosted page can take no money, and returns the order as it
   * then stands. Safe to repeat. When the order was already paid the answer is the order with
   * status `captured` (or `pending`): the caller must apply that capture, not assume a cancel.
   * Throws GatewayOrderNotFoundError, GatewayUnavailableError (try again later).
   */
  cancelOrder(orderId: string): Promise<GatewayOrder>;
  /**
   * One refund per refundKey, forever: a repeat returns the first refund and moves no money,
   * even after the gateway has forgotten its Idempotency-Key (the key is also the refund's
   * merchant reference, looked up with listRefunds first).
   * Throws RefundExceedsCapturedError beyond captured minus refunded.
   */
  refund(input: RefundInput): Promise<GatewayRefund>;
  /** Every refund of an order, with the reference each was made with. Throws GatewayOrderNotFoundError. */
  listRefunds(orderId: string): Promise<GatewayRefund[]>;
  /**
   * Checks the signature and freshness of a webhook and reads it, or throws
   * WebhookRejectedError. `rawBody` must be the bytes as received; `now` is in milliseconds.
   */
  verifyWebhook(rawBody: Buffer | string, headers: WebhookHeaders, now?: number): GatewayEvent;
  /** Releases sockets. */
  close?(): void;
}

export {
  GatewayError,
  GatewayOrderNotFoundError,
  GatewayRejectedError,
  GatewayUnavailableError,
  RefundExceedsCapturedError,
  WebhookRejectedError,
  type WebhookRejectionReason,
} from './errors.js';
