import type { Payment } from '../payments/payment-model.js';
import { CAPTURED_STATUSES } from '../payments/state-machine.js';
import type { ReconActions } from './actions.js';
import { AUTO_RESOLVED, type Difference } from './differences.js';

export type Resolution = { resolved: true } | { resolved: false; why?: string };

const FAILED = (why: string): Resolution => ({ resolved: false, why });

/**
 * Tries the automatic resolution of one difference (only the AUTO_RESOLVED classes have one) and
 * checks that it took effect. An action that throws is a failed resolution, not a failed run: the
 * difference becomes a case with the reason.
 */
export async function resolve(
  actions: ReconActions,
  payments: ReadonlyMap<string, Payment>,
  difference: Difference,
): Promise<Resolution> {
  if (!AUTO_RESOLVED.includes(difference.class)) return { resolved: false };
  const payment = difference.paymentId ? payments.get(difference.paymentId) : undefined;
  if (!payment) return FAILED('the hub has no such payment');
  try {
    switch (difference.class) {
      case 'late_capture': {
        const after = await actions.applyLateCapture(payment, difference.orderId ?? '');
        return CAPTURED_STATUSES.includes(after.status)
          ? { resolved: true }
          : FAILED(`the capture left the payment ${after.status}`);
      }
      case 'unknown_resolved': {
        const line = await actions.settleUnknownLine(
          payment._id,
          difference.lineId ?? '',
          difference.billerReference ?? '',
        );
        return line?.status === 'settled'
          ? { resolved: true }
          : FAILED(`the line is ${line?.status ?? 'gone'}, not settled`);
      }
      case 'settled_not_at_biller': {
        const line = payment.lines.find((l) => l._id === difference.lineId);
        if (!line) return FAILED('no such line');
        const result = await actions.repostLine(payment, line);
        return result.status === 'accepted' ? { resolved: true } : FAILED(`the re-post answered ${result.status}`);
      }
      default:
        await actions.recordMovement(payment, difference.movement ?? 'capture', difference.lineId);
        return { resolved: true };
    }
  } catch (error) {
    return FAILED((error as Error).message);
  }
}
