/**
 * The payment gateway port: what the hub needs from any gateway. The sandbox client is one
 * implementation; a real gateway is another, behind the same four calls.
 */

export type OrderStatus = 'created' | 'pending' | 'captured' | 'failed';
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
  method?: PaymentMethod;
  refundedMinor: number;
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
  /** Throws RefundExceedsCapturedError beyond captured minus refunded. */
  refund(input: RefundInput): Promise<GatewayRefund>;
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
