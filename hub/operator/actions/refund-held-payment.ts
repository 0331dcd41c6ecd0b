import { AppError } from '../../../infra/errors.js';
import { GatewayError } from '../../gateway/errors.js';
import { heldRefundKey } from '../../payments/payment-model.js';
import { type ActionRequest, audited, StateMovedError, SubjectNotFoundError } from '../operator-action.js';
import type { OperatorDeps } from '../operator-deps.js';

/** What became of a held payment's refund. */
export interface HeldRefundAnswer {
  paymentId: string;
  /** `refunded` once the gateway paid it back; still `held` while its refund is pending there. */
  status: 'refunded' | 'held';
  refund: { refundId: string; status: 'succeeded' | 'pending'; amountMinor: number; currency: string };
}

/**
 * "Refund a held payment's capture" (audit action `payment.refund`). A payment held for a capture
 * mismatch has had nothing settled: its whole capture (what the gateway took, in its currency)
 * sits in the ledger's payments:held. The gateway is asked for the refund of all of it under the
 * payment's id as refund key (one refund however often this runs); once it has succeeded the
 * payment moves `held → refunded` in one conditional update (the hold stays as the record of
 * why), and the ledger books the keyed movement heldRefundMovement (payments:held → refunds:payable).
 * A refund still pending at the gateway leaves the payment held: asking again completes it.
 * Refused with 409 `state_moved` unless the payment is held (a refunded-from-hold payment whose
 * ledger write was lost gets it booked first), 409 `refund_refused` when the gateway refuses for good.
 */
export async function refundHeldPayment(
  deps: OperatorDeps,
  paymentId: string,
  request: ActionRequest,
): Promise<HeldRefundAnswer> {
  const payment = await deps.payments.findById(paymentId);
  return audited<HeldRefundAnswer>(
    deps.audit,
    request,
    { action: 'payment.refund', subject: { kind: 'payment', id: paymentId }, paymentId: payment?._id },
    async () => {
      if (!payment) throw new SubjectNotFoundError('payment', paymentId);
      if (payment.status === 'refunded' && payment.hold) await deps.ledger.recordHeldRefund(payment);
      if (payment.status !== 'held') {
        throw new StateMovedError(
          `payment ${paymentId} is ${payment.status}, not held: it cannot be refunded here`,
          payment.status,
        );
      }
      const orderId = payment.gateway?.orderId;
      if (!orderId) throw new StateMovedError(`payment ${paymentId} has no gateway order to refund`, payment.status);
      const amountMinor = payment.gateway?.capturedMinor ?? payment.totalMinor;
      const currency = (payment.gateway?.capturedCurrency ?? payment.currency).toUpperCase();
      const refund = await deps.gateway
        .refund({ orderId, amountMinor, refundKey: heldRefundKey(payment) })
        .catch((error) => {
          if (error instanceof GatewayError && !error.retryable) {
            throw new AppError(409, 'refund_refused', `the gateway refused the refund: ${error.message}`);
          }
          throw error;
        });
      if (refund.status === 'failed') {
        throw new AppError(409, 'refund_refused', `the gateway's refund ${refund.refundId} failed`);
      }
      const answer = { refundId: refund.refundId, status: refund.status, amountMinor, currency };
      if (refund.status === 'pending') {
        return {
          detail: `refund ${refund.refundId} of ${amountMinor} ${currency} asked; still pending at the gateway`,
          result: { paymentId, status: 'held' as const, refund: answer },
        };
      }
      const moved = await deps.payments.transitionPayment(
        paymentId,
        'held',
        'refunded',
        'operator.refund',
        undefined,
        `the held capture was refunded (${refund.refundId})`,
      );
      const now = moved ?? (await deps.payments.findById(paymentId));
      if (!now) throw new SubjectNotFoundError('payment', paymentId);
      if (now.status !== 'refunded') {
        throw new StateMovedError(
          `payment ${paymentId} moved on while it was refunded: it is ${now.status}`,
          now.status,
        );
      }
      await deps.ledger.recordHeldRefund(now);
      return {
        detail: `the held capture of ${amountMinor} ${currency} was refunded (${refund.refundId}): held → refunded`,
        result: { paymentId, status: 'refunded' as const, refund: answer },
      };
    },
  );
}
