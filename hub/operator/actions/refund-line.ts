import type { ActionRequest } from '../operator-action.js';
import type { OperatorDeps } from '../operator-deps.js';
import { auditedLineAction, moveLineToSettlement } from './line-action.js';
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
  return auditedLineAction(deps, lineId, request, 'line.refund', async (found) => {
    await moveLineToSettlement(
      deps,
      found,
      {
        from: 'held',
        to: 'refunding',
        event: 'operator.refund',
        set: { refundKey: found.line.refundKey ?? found.line._id },
      },
      (now) => `line ${lineId} is ${now}, not held: it cannot be sent back to refund`,
    );
    return {
      detail: `sent back to refund under its refund key: held → refunding`,
      result: { lineId, status: 'refunding', reference: found.line.reference },
    };
  });
}
