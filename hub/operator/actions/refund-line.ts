import { requeueLine } from '../../settlement/queue.js';
import { type ActionRequest, audited, StateMovedError } from '../operator-action.js';
import { foundLine, type OperatorDeps, paymentOfLine, queueOf } from '../operator-deps.js';
import type { LineHandedBack } from './repost-line.js';

/**
 * "Refund a held line" (audit action `line.refund`): `held → refunding` in one conditional update,
 * then the line's settle-line job, which asks the gateway for the refund under the line's refund
 * key (the same refund however often it runs) and, on success, moves the line to refunded and
 * books the refund movement (hub/settlement/refund-line.ts). A refusal for good holds it again.
 * Refused with 409 `state_moved` when the line is not held.
 */
export async function refundHeldLine(
  deps: OperatorDeps,
  lineId: string,
  request: ActionRequest,
): Promise<LineHandedBack> {
  const found = await paymentOfLine(deps.payments, lineId);
  return audited(
    deps.audit,
    request,
    { action: 'line.refund', subject: { kind: 'line', id: lineId }, paymentId: found?.payment._id },
    async () => {
      const { payment, line } = foundLine(found, lineId);
      const queue = queueOf(deps);
      const moved = await deps.payments.transitionLine(payment._id, lineId, 'held', 'refunding', 'operator.refund', {
        refundKey: line.refundKey ?? line._id,
      });
      if (!moved) {
        const now = (await paymentOfLine(deps.payments, lineId))?.line.status ?? line.status;
        throw new StateMovedError(`line ${lineId} is ${now}, not held: it cannot be sent back to refund`, now);
      }
      await requeueLine(queue, payment._id, lineId);
      return {
        detail: `sent back to refund under its refund key: held → refunding`,
        result: { lineId, status: 'refunding', reference: line.reference },
      };
    },
  );
}
