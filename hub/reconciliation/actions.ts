import type { PaymentPosting, PostingResult } from '../../adapters/sdk/contract.js';
import { todayInIndia } from '../bills/indian-day.js';
import type { GatewayOrder } from '../gateway/port.js';
import type { Payment, PaymentLine } from '../payments/payment-model.js';
import type { LineChanges, PaymentStore } from '../payments/payment-store.js';

/**
 * The hub operations reconciliation resolves differences with, injected so that the job, the
 * script and the tests give it today's implementations. Each is idempotent and each state change
 * in it is one conditional single-document update, so a repeat (or a race with settlement) is
 * harmless.
 */
export interface ReconActions {
  /** Applies a capture the gateway made (PaymentCapture.apply); returns the payment as it is after. */
  applyLateCapture(payment: Payment, orderId: string): Promise<Payment>;
  /** unknown → settled for a line its biller accepted; its ledger movement; the payment's completion. */
  settleUnknownLine(paymentId: string, lineId: string, billerReference: string): Promise<PaymentLine | undefined>;
  /** Posts the line again under its own reference (the biller dedupes on it). */
  repostLine(payment: Payment, line: PaymentLine): Promise<PostingResult>;
  /** Records a final state's missing ledger movement (the ledger writes each key once). */
  recordMovement(payment: Payment, movement: 'capture' | 'settlement' | 'refund', lineId?: string): Promise<void>;
}

/** The pieces of today's hub the default actions use. */
export interface HubActionDeps {
  payments: Pick<PaymentStore, 'findById' | 'transitionLine' | 'settleCompletion'>;
  ledger: {
    recordCapture(payment: Payment): Promise<unknown>;
    recordSettlement(payment: Payment, line: Pick<PaymentLine, '_id'>): Promise<unknown>;
    recordRefund(payment: Payment, line: Pick<PaymentLine, '_id'>): Promise<unknown>;
  };
  /** PaymentCapture.apply: moves a payment to captured (or held), records the capture, starts settlement. */
  capture: { apply(payment: Payment, order: GatewayOrder): Promise<Payment> };
  gateway: { getOrder(orderId: string): Promise<GatewayOrder> };
  billers: {
    get(id: string): { operations: { postPayment(posting: PaymentPosting): Promise<PostingResult> } } | undefined;
  };
}

/** When the payment's money was taken: what a re-post tells the biller as paidAt. */
const capturedAt = (payment: Payment): Date =>
  payment.timeline.find((entry) => entry.to === 'captured')?.at ?? payment.updatedAt;

/** The default actions over today's PaymentStore, Ledger, PaymentCapture, gateway and biller registry. */
export function hubReconActions(deps: HubActionDeps): ReconActions {
  return {
    async applyLateCapture(payment, orderId) {
      // The order is read back from the gateway: the report is a hint, the order is the truth.
      return deps.capture.apply(payment, await deps.gateway.getOrder(orderId));
    },

    async settleUnknownLine(paymentId, lineId, billerReference) {
      const set: LineChanges = { billerReference, billerStatus: 'accepted (reconciliation)' };
      const moved = await deps.payments.transitionLine(
        paymentId,
        lineId,
        'unknown',
        'settled',
        'line.settled_by_reconciliation',
        set,
      );
      const payment = moved ?? (await deps.payments.findById(paymentId));
      const line = payment?.lines.find((l) => l._id === lineId);
      // Moved by someone else meanwhile: only a settled line gets a settlement entry.
      if (!payment || line?.status !== 'settled') return line;
      await deps.ledger.recordSettlement(payment, line);
      await deps.payments.settleCompletion(paymentId);
      return line;
    },

    async repostLine(payment, line) {
      const biller = deps.billers.get(line.billerId);
      if (!biller) throw new Error(`no biller ${line.billerId} in the registry`);
      return biller.operations.postPayment({
        reference: line.reference,
        consumer: line.consumer,
        billNumber: line.billNumber,
        amountMinor: line.amountMinor,
        paidAt: capturedAt(payment).toISOString(),
        billedOn: todayInIndia(payment.createdAt),
      });
    },

    async recordMovement(payment, movement, lineId) {
      if (movement === 'capture') await deps.ledger.recordCapture(payment);
      else if (movement === 'settlement') await deps.ledger.recordSettlement(payment, { _id: lineId ?? '' });
      else await deps.ledger.recordRefund(payment, { _id: lineId ?? '' });
    },
  };
}
