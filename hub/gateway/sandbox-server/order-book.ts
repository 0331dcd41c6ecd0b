import { createHash, randomBytes } from 'node:crypto';
import { notFound, SandboxApiError } from './api-error.js';

export const METHODS = ['card', 'upi', 'netbanking', 'wallet'] as const;
export const OUTCOMES = ['success', 'failure', 'pending'] as const;
export type SandboxMethod = (typeof METHODS)[number];
export type SandboxOutcome = (typeof OUTCOMES)[number];

export interface SandboxOrder {
  id: string;
  merchantRef: string;
  amountMinor: number;
  currency: string;
  description: string;
  returnUrl: string;
  /** cancelled: by the merchant (POST /cancel); expired: still unpaid at expiresAt. Neither can be paid. */
  status: 'created' | 'pending' | 'captured' | 'failed' | 'cancelled' | 'expired';
  method?: SandboxMethod;
  /** The card's fingerprint (as real gateways give one), when a test card number was paid with. */
  instrument?: string;
  /** Like a real gateway's expire_by: the hosted page refuses to take money after it (ISO 8601). */
  expiresAt?: string;
  capturedMinor: number;
  refundedMinor: number;
  createdAt: string;
  updatedAt: string;
}

export interface SandboxRefund {
  id: string;
  orderId: string;
  key: string;
  /** The merchant's own reference for the refund, kept forever (unlike the Idempotency-Key). */
  reference?: string;
  amountMinor: number;
  status: 'succeeded';
  createdAt: string;
}

export interface NewOrder {
  merchantRef: string;
  amountMinor: number;
  currency: string;
  description: string;
  returnUrl: string;
  expiresAt?: string;
}

/** The sandbox's clock and memory: injectable so tests need not wait a day. */
export interface OrderBookOptions {
  /** Milliseconds since the epoch. */
  now: () => number;
  /** How long a refund's Idempotency-Key is remembered, as real gateways do (24 h by default). */
  refundKeyTtlMs: number;
}

export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

/** The same test card number always gives the same opaque token, and the number cannot be read back from it. */
export const cardFingerprint = (card: string) =>
  `fp_${createHash('sha256').update(`sandbox-card:${card}`).digest('hex').slice(0, 24)}`;

const OUTCOME_STATUS: Record<SandboxOutcome, SandboxOrder['status']> = {
  success: 'captured',
  failure: 'failed',
  pending: 'pending',
};

/**
 * Orders and refunds in memory, deduplicated as a real gateway does: orders on merchantRef,
 * refunds on their Idempotency-Key. Every method is synchronous, so two concurrent repeats
 * cannot both be new.
 */
export class OrderBook {
  private readonly orders = new Map<string, SandboxOrder>();
  private readonly orderByRef = new Map<string, string>();
  private readonly refundByKey = new Map<string, SandboxRefund>();
  private readonly refundsByOrder = new Map<string, SandboxRefund[]>();

  constructor(private readonly options: OrderBookOptions = { now: Date.now, refundKeyTtlMs: 24 * 3_600_000 }) {}

  private nowIso(): string {
    return new Date(this.options.now()).toISOString();
  }

  /** An unpaid order past its expiresAt becomes expired when it is next looked at. */
  private lapse(order: SandboxOrder): SandboxOrder {
    if (order.status === 'created' && order.expiresAt && Date.parse(order.expiresAt) <= this.options.now()) {
      order.status = 'expired';
      order.updatedAt = this.nowIso();
    }
    return order;
  }

  /** The order for a merchantRef, made on first sight; a repeat with another amount is a conflict. */
  open(input: NewOrder): { order: SandboxOrder; created: boolean } {
    const existingId = this.orderByRef.get(input.merchantRef);
    const existing = existingId ? this.orders.get(existingId) : undefined;
    if (existing) {
      this.lapse(existing);
      if (existing.amountMinor !== input.amountMinor || existing.currency !== input.currency) {
        throw new SandboxApiError(409, 'merchant_ref_conflict', 'merchantRef was used for another amount or currency', {
          orderId: existing.id,
        });
      }
      return { order: existing, created: false };
    }
    const now = this.nowIso();
    const order: SandboxOrder = {
      ...input,
      id: newId('order'),
      status: 'created',
      capturedMinor: 0,
      refundedMinor: 0,
      createdAt: now,
      updatedAt: now,
    };
    this.orders.set(order.id, order);
    this.orderByRef.set(order.merchantRef, order.id);
    return { order, created: true };
  }

  find(id: string): SandboxOrder | undefined {
    const order = this.orders.get(id);
    return order ? this.lapse(order) : undefined;
  }

  get(id: string): SandboxOrder {
    const order = this.find(id);
    if (!order) throw notFound('order', id);
    return order;
  }

  /**
   * Cancels an unpaid order so its hosted page can no longer take money. Cancelling a cancelled,
   * expired or failed order is a no-op; a captured or pending one is a 409 `order_not_cancellable`.
   */
  cancel(id: string): SandboxOrder {
    const order = this.get(id);
    if (order.status === 'created') {
      order.status = 'cancelled';
      order.updatedAt = this.nowIso();
    }
    if (order.status === 'captured' || order.status === 'pending') {
      throw new SandboxApiError(409, 'order_not_cancellable', `order ${id} is already ${order.status}`, {
        status: order.status,
      });
    }
    return order;
  }

  /** Every refund of an order, oldest first. */
  refunds(orderId: string): SandboxRefund[] {
    this.get(orderId);
    return [...(this.refundsByOrder.get(orderId) ?? [])];
  }

  /** Records the citizen's (or a test's) choice; only a fresh order takes one. */
  settle(id: string, outcome: SandboxOutcome, method: SandboxMethod, card?: string): SandboxOrder {
    const order = this.get(id);
    // this.get has already lapsed an order past its expiresAt: it is no longer created.
    if (order.status !== 'created') {
      throw new SandboxApiError(409, 'order_not_open', `order ${id} is already ${order.status}`);
    }
    order.status = OUTCOME_STATUS[outcome];
    order.method = method;
    if (method === 'card' && card) order.instrument = cardFingerprint(card);
    if (order.status === 'captured') order.capturedMinor = order.amountMinor;
    order.updatedAt = this.nowIso();
    return order;
  }

  /** Captures a pending order; undefined when it is no longer pending. */
  confirmPending(id: string): SandboxOrder | undefined {
    const order = this.orders.get(id);
    if (order?.status !== 'pending') return undefined;
    order.status = 'captured';
    order.capturedMinor = order.amountMinor;
    order.updatedAt = this.nowIso();
    return order;
  }

  /**
   * A refund, or the first one made with this key while the key is remembered (refundKeyTtlMs);
   * never more than captured minus refunded. After that a repeat is a new refund, as at real gateways.
   */
  refund(
    orderId: string,
    key: string,
    amountMinor: number,
    reference?: string,
  ): { refund: SandboxRefund; created: boolean } {
    const order = this.get(orderId);
    let existing = this.refundByKey.get(key);
    if (existing && Date.parse(existing.createdAt) + this.options.refundKeyTtlMs <= this.options.now()) {
      this.refundByKey.delete(key);
      existing = undefined;
    }
    if (existing) {
      if (existing.orderId !== orderId || existing.amountMinor !== amountMinor) {
        throw new SandboxApiError(409, 'idempotency_key_reused', 'this Idempotency-Key was used for another refund');
      }
      return { refund: existing, created: false };
    }
    if (order.status !== 'captured') {
      throw new SandboxApiError(409, 'order_not_captured', `order ${orderId} is ${order.status}`);
    }
    const refundable = order.capturedMinor - order.refundedMinor;
    if (amountMinor > refundable) {
      throw new SandboxApiError(409, 'refund_exceeds_captured', `only ${refundable} can still be refunded`, {
        refundable,
      });
    }
    const refund: SandboxRefund = {
      id: newId('rfnd'),
      orderId,
      key,
      ...(reference ? { reference } : {}),
      amountMinor,
      status: 'succeeded',
      createdAt: this.nowIso(),
    };
    this.refundByKey.set(key, refund);
    this.refundsByOrder.set(orderId, [...(this.refundsByOrder.get(orderId) ?? []), refund]);
    order.refundedMinor += amountMinor;
    order.updatedAt = refund.createdAt;
    return { refund, created: true };
  }
}
