import type { Notifications } from '../notifications/notifications.js';
import type { Payment } from '../payments/payment-model.js';
import type { Complaint } from './complaint-model.js';
import { CLOSED_COMPLAINT_STATUSES } from './complaint-types.js';

/** What happened to a complaint that its citizen is told: raised, moved, closed, escalated. */
export type ComplaintNews = 'received' | 'updated' | 'closed' | 'escalated';

/** Tells the citizen of a change; never throws (a failed message must not undo the change). */
export type ComplaintNotifier = (complaint: Complaint, news: ComplaintNews) => Promise<void>;

/**
 * The complaint's messages through hub/notifications: each change is its own event (keyed on the
 * complaint, and the change or level), so a job re-run or two replicas tell it once. The amount is
 * the line's, or the payment's total for a complaint about the whole payment.
 */
export function complaintNotifier(
  notifications: Pick<Notifications, 'notify'>,
  payments: { findById(id: string): Promise<Payment | null> },
  log: { error(obj: object, msg: string): void },
): ComplaintNotifier {
  return async (complaint, news) => {
    try {
      const payment = await payments.findById(complaint.paymentId);
      const line = payment?.lines.find((l) => l._id === complaint.lineId);
      const common = {
        citizenSub: complaint.citizenSub,
        complaintId: complaint._id,
        paymentId: complaint.paymentId,
        amountMinor: line?.amountMinor ?? payment?.totalMinor ?? 0,
        currency: payment?.currency ?? 'INR',
      };
      if (news === 'received') {
        await notifications.notify({
          ...common,
          kind: 'complaint_received',
          complaintType: complaint.type,
          dueAt: complaint.dueAt,
        });
      } else if (news === 'closed' || CLOSED_COMPLAINT_STATUSES.includes(complaint.status)) {
        const evidence = complaint.disposition?.evidence;
        await notifications.notify({
          ...common,
          kind: 'complaint_resolved',
          outcome: complaint.status === 'rejected' ? 'rejected' : 'resolved',
          disposition: complaint.disposition?.code ?? 'resolved_other',
          ...(evidence?.billerReference || evidence?.refundReference
            ? {
                evidence: {
                  ...(evidence.billerReference ? { billerReference: evidence.billerReference } : {}),
                  ...(evidence.refundReference ? { refundReference: evidence.refundReference } : {}),
                },
              }
            : {}),
        });
      } else if (news === 'escalated') {
        await notifications.notify({
          ...common,
          kind: 'complaint_escalated',
          level: complaint.escalation?.level ?? 1,
          dueAt: complaint.dueAt,
        });
      } else {
        await notifications.notify({
          ...common,
          kind: 'complaint_updated',
          status: complaint.status,
          dueAt: complaint.dueAt,
          change: complaint.timeline.length,
        });
      }
    } catch (error) {
      log.error({ err: error, complaintId: complaint._id, news }, 'complaint message not recorded');
    }
  };
}
