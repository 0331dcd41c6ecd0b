import { randomBytes } from 'node:crypto';
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
  status: 'created' | 'pending' | 'captured' | 'failed';
  method?: SandboxMethod;
  capturedMinor: number;
  refundedMinor: number;
  createdAt: string;
  updatedAt: string;
}

export interface SandboxRefund {
  id: string;
  orderId: string;
  key: string;
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
}

export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

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

  /** The order for a merchantRef, made on first sight; a repeat with another amount is a conflict. */
  open(input: NewOrder): { order: SandboxOrder; created: boolean } {
    const existingId = this.orderByRef.get(input.merchantRef);
    const existing = existingId ? this.orders.get(existingId) : undefined;
    if (existing) {
      if (existing.amountMinor !== input.amountMinor || existing.currency !== input.currency) {
        throw new SandboxApiError(409, 'merchant_ref_conflict', 'merchantRef was used for another amount or currency', {
          orderId: existing.id,
        });
      }
      return { order: existing, created: false };
    }
    const now = new Date().toISOString();
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
    return this.orders.get(id);
  }

  get(id: string): SandboxOrder {
    const order = this.orders.get(id);
    if (!order) throw notFound('order', id);
    return order;
  }

  /** Records the citizen's (or a test's) choice; only a fresh order takes one. */
  settle(id: string, outcome: SandboxOutcome, method: SandboxMethod): SandboxOrder {
    const order = this.get(id);
    if (order.status !== 'created') {
      throw new SandboxApiError(409, 'order_not_open', `order ${id} is already ${order.status}`);
    }
    order.status = OUTCOME_STATUS[outcome];
    order.method = method;
    if (order.status === 'captured') order.capturedMinor = order.amountMinor;
    order.updatedAt = new Date().toISOString();
    return order;
  }

  /** Captures a pending order; undefined when it is no longer pending. */
  confirmPending(id: string): SandboxOrder | undefined {
    const order = this.orders.get(id);
    if (order?.status !== 'pending') return undefined;
    order.status = 'captured';
    order.capturedMinor = order.amountMinor;
    order.updatedAt = new Date().toISOString();
    return order;
  }

  /** A refund, or the first one made with this key; never more than captured minus refunded. */
  refund(orderId: string, key: string, amountMinor: number): { refund: SandboxRefund; created: boolean } {
    const order = this.get(orderId);
    const existing = this.refundByKey.get(key);
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
      amountMinor,
      status: 'succeeded',
      createdAt: new Date().toISOString(),
    };
    this.refundByKey.set(key, refund);
    order.refundedMinor += amountMinor;
    order.updatedAt = refund.createdAt;
    return { refund, created: true };
  }
}
