import type { Logger } from '../../infra/logger.js';
import type { GatewayEvent, GatewayOrder, PaymentGateway } from '../gateway/index.js';
import type { Ledger } from '../ledger/index.js';
import type { Payment, PaymentStore } from '../payments/index.js';

/** Starts settling a payment's lines (enqueues one job per line); must be safe to call twice. */
export type StartSettlement = (payment: Payment) => Promise<void>;

/** A payment still `created` has no recorded order yet; the gateway's retry finds it awaiting payment. */
const NOT_YET_CAPTURED = ['awaiting_payment', 'failed', 'expired'] as const;

/**
 * Brings a payment in line with its gateway order. Webhooks only say "look again": the order
 * is read back from the gateway, so a forged, duplicated or out-of-order event cannot move
 * money by itself, and every step is a conditional update that happens once.
 */
export class PaymentCapture {
  constructor(
    private readonly payments: PaymentStore,
    private readonly ledger: Ledger,
    private readonly gateway: PaymentGateway,
    private readonly startSettlement: StartSettlement,
    private readonly log: Logger,
  ) {}

  async onWebhook(event: GatewayEvent): Promise<void> {
    const payment = await this.payments.findById(event.paymentId);
    if (!payment || payment.gateway?.orderId !== event.orderId) {
      this.log.warn({ event: event.id, type: event.type }, 'gateway event for no payment of ours');
      return;
    }
    if (event.type.startsWith('order.')) await this.sync(payment);
  }

  /** Polls the gateway for the payment's order and applies what it says. */
  async sync(payment: Payment): Promise<Payment> {
    const orderId = payment.gateway?.orderId;
    if (!orderId) return payment;
    return this.apply(payment, await this.gateway.getOrder(orderId));
  }

  async apply(payment: Payment, order: GatewayOrder): Promise<Payment> {
    if (order.status === 'failed') {
      return (
        (await this.payments.transitionPayment(
          payment._id,
          ['created', 'awaiting_payment'],
          'failed',
          'payment_failed',
        )) ?? payment
      );
    }
    if (order.status !== 'captured') return payment;

    await this.payments.transitionPayment(payment._id, [...NOT_YET_CAPTURED], 'captured', 'payment_captured', {
      gateway: { orderId: order.orderId, method: order.method, capturedMinor: order.capturedMinor },
    });
    const captured = (await this.payments.findById(payment._id)) ?? payment;
    // Recorded by key: a second event for the same capture writes nothing.
    await this.ledger.recordCapture(captured);
    const settling = await this.payments.transitionPayment(captured._id, 'captured', 'settling', 'settlement_started');
    if (settling) await this.startSettlement(settling);
    return settling ?? captured;
  }
}
