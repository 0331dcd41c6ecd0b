import { orderBody, refundBody, type SandboxEventType } from './bodies.js';
import {
  newId,
  type OrderBook,
  type SandboxMethod,
  type SandboxOrder,
  type SandboxOutcome,
  type SandboxRefund,
} from './order-book.js';
import type { GatewayTestFaults } from './test-faults.js';
import type { WebhookSender } from './webhook-sender.js';

const EVENT_FOR: Record<'captured' | 'failed' | 'pending', SandboxEventType> = {
  captured: 'order.captured',
  failed: 'order.failed',
  pending: 'order.pending',
};

/**
 * What happens when an order is paid (by the hosted form or the simulate call) or refunded:
 * the state change, its webhook, and for `pending` the capture that follows after a delay.
 */
export class PaymentFlow {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly book: OrderBook,
    private readonly sender: WebhookSender,
    private readonly publicUrl: string,
    private readonly pendingDelayMs: number,
    /** Injected faults (partial capture) and the refund record the test controls read. */
    private readonly faults?: GatewayTestFaults,
  ) {}

  settle(orderId: string, outcome: SandboxOutcome, method: SandboxMethod, card?: string): SandboxOrder {
    const order = this.book.settle(orderId, outcome, method, card);
    this.applyPartialCapture(order);
    this.emit(EVENT_FOR[order.status as keyof typeof EVENT_FOR], order);
    if (order.status === 'pending') {
      this.later(() => {
        const captured = this.book.confirmPending(orderId);
        if (captured) this.applyPartialCapture(captured);
        if (captured) this.emit('order.captured', captured);
      });
    }
    return order;
  }

  refund(
    orderId: string,
    key: string,
    amountMinor: number,
    reference?: string,
  ): { refund: SandboxRefund; created: boolean } {
    const result = this.book.refund(orderId, key, amountMinor, reference);
    // A repeated key moved no money, so it tells nobody anything new.
    if (result.created) this.emit('refund.succeeded', this.book.get(orderId), result.refund);
    if (result.created) this.faults?.noteRefund(orderId, key, result.refund.id, amountMinor);
    return result;
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** An injected partial capture: the gateway took less than the order amount. */
  private applyPartialCapture(order: SandboxOrder): void {
    if (order.status === 'captured' && this.faults) {
      order.capturedMinor = this.faults.captureAmount(order.id, order.amountMinor);
    }
  }

  private emit(type: SandboxEventType, order: SandboxOrder, refund?: SandboxRefund): void {
    this.sender.emit({
      id: newId('evt'),
      type,
      createdAt: new Date().toISOString(),
      // A snapshot: the event says what the order was when it happened.
      data: { order: orderBody(order, this.publicUrl), ...(refund ? { refund: refundBody(refund) } : {}) },
    });
  }

  private later(task: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, this.pendingDelayMs);
    timer.unref();
    this.timers.add(timer);
  }
}
