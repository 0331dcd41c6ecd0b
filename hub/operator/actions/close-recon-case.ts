import type { ReconCase } from '../../reconciliation/recon-store.js';
import { type ActionRequest, audited, StateMovedError, SubjectNotFoundError } from '../operator-action.js';
import type { OperatorDeps } from '../operator-deps.js';

/**
 * How an operator closes a reconciliation case: `resolved` (the records agree now: after a
 * re-post, a refund, a correction), `explained` (no money is wrong: timing, a known cause),
 * `written_off` (the difference stays, accepted), `duplicate` (another case covers it).
 */
export const CASE_DISPOSITIONS = ['resolved', 'explained', 'written_off', 'duplicate'] as const;
export type CaseDisposition = (typeof CASE_DISPOSITIONS)[number];

/**
 * "Close a reconciliation case" (audit action `recon_case.close`): `open → closed` in one
 * conditional update, with the disposition, the reason and who closed it. Closing moves no money:
 * a case is the record of a difference, and its money is moved, if at all, by the other actions.
 * A later run finding the same difference opens nothing new (the key exists). Refused with 409
 * `state_moved` when the case is already closed.
 */
export async function closeReconCase(
  deps: OperatorDeps,
  caseId: string,
  disposition: CaseDisposition,
  request: ActionRequest,
): Promise<ReconCase> {
  const existing = await deps.recon.cases.findById(caseId).lean<ReconCase>().exec();
  return audited(
    deps.audit,
    request,
    { action: 'recon_case.close', subject: { kind: 'recon_case', id: caseId }, paymentId: existing?.paymentId },
    async () => {
      if (!existing) throw new SubjectNotFoundError('reconciliation case', caseId);
      const closed = await deps.recon.cases
        .findOneAndUpdate(
          { _id: caseId, status: 'open' },
          {
            $set: {
              status: 'closed',
              closed: { at: new Date(), by: request.actor, disposition, reason: request.reason },
            },
          },
          { returnDocument: 'after' },
        )
        .lean<ReconCase>()
        .exec();
      if (!closed) throw new StateMovedError(`reconciliation case ${caseId} is already closed`, 'closed');
      return { detail: `closed as ${disposition}`, result: closed };
    },
  );
}
