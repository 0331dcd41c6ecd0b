import { GatewayError } from '../gateway/errors.js';
import type { GatewayRefund } from '../gateway/port.js';
import type { Payment, PaymentLine } from '../payments/payment-model.js';
import type { LineDeps } from './deps.js';
import { RefundPendingError } from './errors.js';
import { type StepResult, tellLineChange } from './line-step.js';

/** The refund key is the line id: one refund per line, however often this runs. */
export async function startRefund(deps: LineDeps, payment: Payment, line: PaymentLine): Promise<Payment | null> {
  const moved = await deps.payments.transitionLine(payment._id, line._id, 'failed', 'refunding', 'refund.requested', {
    refundKey: line._id,
  });
  return tellLineChange(deps, moved, line._id, 'refund_started');
}

/**
 * A refund that retrying cannot move on (no gateway order, a refusal for good, a failed refund):
 * `refunding → held`, with the reason, out of the automatic queue until an operator sends it back.
 * Left in refunding, it would come back to every sweep and crowd out the work that can move.
 */
async function holdLine(deps: LineDeps, payment: Payment, line: PaymentLine, code: string, why: string) {
  deps.log.error({ paymentId: payment._id, lineId: line._id, code, why }, 'refund refused for good; line held');
  return deps.payments.transitionLine(payment._id, line._id, 'refunding', 'held', 'refund.held', {
    failureCode: code,
    failureMessage: why.slice(0, 300),
  });
}

/** Asks the gateway for the line's refund (again, after a crash: the key makes it the same refund). */
export async function refundLine(deps: LineDeps, payment: Payment, line: PaymentLine): Promise<StepResult> {
  const orderId = payment.gateway?.orderId;
  if (!orderId) return holdLine(deps, payment, line, 'refund_no_order', `payment ${payment._id} has no gateway order`);
  let refund: GatewayRefund;
  try {
    refund = await deps.gateway.refund({
      orderId,
      amountMinor: line.amountMinor,
      refundKey: line.refundKey ?? line._id,
    });
  } catch (error) {
    // More than captured, an order not captured: the same call cannot succeed later.
    if (error instanceof GatewayError && !error.retryable) {
      return holdLine(deps, payment, line, 'refund_refused', `the gateway refused the refund: ${error.message}`);
    }
    throw error;
  }
  if (refund.status === 'succeeded') {
    const refunded = await deps.payments.transitionLine(
      payment._id,
      line._id,
      'refunding',
      'refunded',
      'refund.succeeded',
    );
    return tellLineChange(deps, refunded, line._id, 'refunded');
  }
  if (refund.status === 'failed') {
    return holdLine(deps, payment, line, 'refund_failed', `the gateway's refund ${refund.refundId} failed`);
  }
  throw new RefundPendingError(`the gateway's refund ${refund.refundId} is still pending`);
}
