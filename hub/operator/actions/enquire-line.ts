import { type EnquiryOutcome, enquireLine } from '../../settlement/enquiry.js';
import { type ActionRequest, StateMovedError } from '../operator-action.js';
import { enquiryDepsOf, type OperatorDeps } from '../operator-deps.js';
import { auditedLineAction, lineStatusNow } from './line-action.js';

/** What an operator's status enquiry found. */
export interface EnquiryAnswer {
  lineId: string;
  outcome: Exclude<EnquiryOutcome, 'moved_on'>;
  /** The line's status after the enquiry. */
  status: string;
}

const SAID: Record<EnquiryAnswer['outcome'], string> = {
  settled: 'the biller confirmed the posting: the line is settled',
  failed: 'the biller has no such posting or refused it: the line failed and will be refunded',
  still_unknown: 'the biller could not say yet: the line stays unknown',
  given_up: 'the biller could not say, and automatic enquiries have stopped: the line stays unknown',
};

/**
 * "Enquire now" (audit action `line.enquire`): one status enquiry of an `unknown` line, through
 * the status-enquiry job's own code (enquireLine), so its outcome moves the line exactly as the
 * job would (settled or failed, then the line's settle-line job books or refunds). Refused with
 * 409 `state_moved` when the line is not unknown, or moved while the biller was asked.
 */
export async function enquireNow(deps: OperatorDeps, lineId: string, request: ActionRequest): Promise<EnquiryAnswer> {
  return auditedLineAction(deps, lineId, request, 'line.enquire', async ({ payment, line }) => {
    if (line.status !== 'unknown') {
      throw new StateMovedError(
        `line ${lineId} is ${line.status}, not unknown: there is nothing to enquire`,
        line.status,
      );
    }
    const outcome = await enquireLine(enquiryDepsOf(deps), payment, line);
    if (outcome === 'moved_on') {
      const now = await lineStatusNow(deps, lineId, 'gone');
      throw new StateMovedError(`line ${lineId} moved on while the biller was asked: it is ${now}`, now);
    }
    const after = await lineStatusNow(deps, lineId, 'unknown');
    return { detail: SAID[outcome], result: { lineId, outcome, status: after } };
  });
}
