import type { ActionRequest } from '../operator-action.js';
import type { OperatorDeps } from '../operator-deps.js';
import { auditedLineAction, moveLineToSettlement } from './line-action.js';

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
  return auditedLineAction(deps, lineId, request, 'line.repost', async (found) => {
    await moveLineToSettlement(
      deps,
      found,
      { from: 'unknown', to: 'posting', event: 'operator.repost' },
      (now) => `line ${lineId} is ${now}, not unknown: it cannot be re-posted`,
    );
    return {
      detail: `re-posted under its reference ${found.line.reference}: unknown → posting`,
      result: { lineId, status: 'posting', reference: found.line.reference },
    };
  });
}
