import type { Payment } from '../payments/payment-model.js';
import type { Complaint } from './complaint-model.js';
import type { ComplaintNotifier } from './complaint-notices.js';
import type { ComplaintStore } from './complaint-store.js';
import { judge, type PreCheckDeps, readFacts } from './pre-check.js';

export interface FollowUpDeps {
  store: ComplaintStore;
  payments: PreCheckDeps['payments'];
  openCases: PreCheckDeps['openCases'];
  notify: ComplaintNotifier;
  log: { error(obj: object, msg: string): void };
}

export interface FollowUpReport {
  checked: number;
  resolved: string[];
  /** Sent back to the operators' queue: the line needs a person (held, enquiries given up). */
  reopened: string[];
  errors: number;
}

/** A line the automatic work has stopped on: a refund refused for good, or enquiries given up. */
const needsPerson = (line: Payment['lines'][number]) =>
  line.status === 'held' || (line.status === 'unknown' && (line.enquiries ?? 0) > 0 && !line.nextAttemptAt);

async function followUp(deps: FollowUpDeps, complaint: Complaint, report: FollowUpReport, now: Date) {
  const payment = await deps.payments.findById(complaint.paymentId);
  const line = payment?.lines.find((l) => l._id === complaint.lineId);
  if (!payment || !line) return;
  const finding = judge(await readFacts(deps, payment, line, complaint.type));
  if (finding.outcome === 'resolved') {
    const moved = await deps.store.transition(
      complaint._id,
      ['waiting_for_biller'],
      'resolved',
      { entry: { event: 'follow_up.resolved', detail: finding.detail }, disposition: finding.disposition },
      now,
    );
    if (moved) {
      report.resolved.push(moved._id);
      await deps.notify(moved, 'closed');
    }
    return;
  }
  // Only the line's own dead ends send it back to a person: an operator who put the complaint
  // waiting for another reason decides when it moves.
  if (needsPerson(line)) {
    const moved = await deps.store.transition(
      complaint._id,
      ['waiting_for_biller'],
      'open',
      { entry: { event: 'follow_up.needs_person', detail: finding.detail } },
      now,
    );
    if (moved) {
      report.reopened.push(moved._id);
      await deps.notify(moved, 'updated');
    }
  }
}

/**
 * The `complaint-follow-up` job: re-checks every complaint waiting for a biller against its line
 * as it is now. A line that settled resolves it with the biller's reference; one refunded, with the
 * refund's reference; a line held or given up on sends it back to the operators' queue. Each move
 * is conditional on waiting_for_biller, so two runs (replicas, a re-run) move it once.
 */
export async function followUpComplaints(deps: FollowUpDeps, now = new Date()): Promise<FollowUpReport> {
  const report: FollowUpReport = { checked: 0, resolved: [], reopened: [], errors: 0 };
  let after: string | undefined;
  for (;;) {
    const page = await deps.store.findWaiting(after);
    for (const complaint of page) {
      report.checked += 1;
      try {
        await followUp(deps, complaint, report, now);
      } catch (error) {
        report.errors += 1;
        deps.log.error({ err: error, complaintId: complaint._id }, 'complaint follow-up failed');
      }
    }
    after = page.at(-1)?._id;
    if (page.length < 100 || !after) return report;
  }
}
