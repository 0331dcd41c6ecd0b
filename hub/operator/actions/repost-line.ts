import { requeueLine } from '../../settlement/queue.js';
import { type ActionRequest, audited, StateMovedError } from '../operator-action.js';
import { foundLine, type OperatorDeps, paymentOfLine, queueOf } from '../operator-deps.js';

/** A line handed back to settlement. */
export interface LineHandedBack {
  lineId: string;
  status: string;
  /** The posting reference: the same one the biller already knows, so it dedupes the re-post. */
  reference: string;
}

/**
 * "Re-post with the same reference" (audit action `line.repost`): `unknown → posting` in one
 * conditional update, then the line's settle-line job, which posts it under its own reference: a
 * biller that already has that posting answers with the first record (the adapters' contract),
 * so nothing is paid twice. Only while the payment is settling (posting waits for settlement).
 * Refused with 409 `state_moved` when the line is not unknown (the state found is named).
 */
export async function repostLine(deps: OperatorDeps, lineId: string, request: ActionRequest): Promise<LineHandedBack> {
  const found = await paymentOfLine(deps.payments, lineId);
  return audited(
    deps.audit,
    request,
    { action: 'line.repost', subject: { kind: 'line', id: lineId }, paymentId: found?.payment._id },
    async () => {
      const { payment, line } = foundLine(found, lineId);
      const queue = queueOf(deps);
      const moved = await deps.payments.transitionLine(payment._id, lineId, 'unknown', 'posting', 'operator.repost');
      if (!moved) {
        const now = (await paymentOfLine(deps.payments, lineId))?.line.status ?? line.status;
        throw new StateMovedError(`line ${lineId} is ${now}, not unknown: it cannot be re-posted`, now);
      }
      await requeueLine(queue, payment._id, lineId);
      return {
        detail: `re-posted under its reference ${line.reference}: unknown → posting`,
        result: { lineId, status: 'posting', reference: line.reference },
      };
    },
  );
}
