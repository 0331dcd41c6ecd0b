import { GatewayError } from '../gateway/errors.js';
import type { GatewayRefund } from '../gateway/port.js';
import type { Payment, PaymentLine } from '../payments/payment-model.js';
import type { LineDeps } from './deps.js';
import { NeedsOperatorError, RefundPendingError } from './errors.js';
import type { StepResult } from './line-step.js';

/** The refund key is the line id: one refund per line, however often this runs. */
export function startRefund(deps: LineDeps, payment: Payment, line: PaymentLine): Promise<Payment | null> {
  return deps.payments.transitionLine(payment._id, line._id, 'failed', 'refunding', 'refund.requested', {
    refundKey: line._id,
  });
}

/** Asks the gateway for the line's refund (again, after a crash: the key makes it the same refund). */
export async function refundLine(deps: LineDeps, payment: Payment, line: PaymentLine): Promise<StepResult> {
  const orderId = payment.gateway?.orderId;
  if (!orderId) throw new NeedsOperatorError(`payment ${payment._id} has no gateway order to refund ${line._id} from`);
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
      throw new NeedsOperatorError(`the gateway refused the refund of ${line._id}: ${error.message}`);
    }
    throw error;
  }
  if (refund.status === 'succeeded') {
    return deps.payments.transitionLine(payment._id, line._id, 'refunding', 'refunded', 'refund.succeeded');
  }
  if (refund.status === 'failed') throw new NeedsOperatorError(`the gateway's refund ${refund.refundId} failed`);
  throw new RefundPendingError(`the gateway's refund ${refund.refundId} is still pending`);
}
