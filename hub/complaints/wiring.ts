import type { BillerRegistry } from '../../adapters/registry/index.js';
import type { Logger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import type { Notifications } from '../notifications/notifications.js';
import { OperatorAudit } from '../operator/audit-log.js';
import type { PaymentStore } from '../payments/payment-store.js';
import { type ReconCase, ReconStore } from '../reconciliation/recon-store.js';
import { type EnquiryDeps, enquireLine } from '../settlement/enquiry.js';
import type { SettlementQueue } from '../settlement/queue.js';
import { complaintNotifier } from './complaint-notices.js';
import { ComplaintService } from './complaint-service.js';
import { ComplaintStore } from './complaint-store.js';
import { escalateOverdue } from './escalate.js';
import { followUpComplaints } from './follow-up.js';
import { ComplaintActions } from './operator-actions.js';
import type { ComplaintOptions } from './options.js';

export interface ComplaintPartsInput {
  mongo: Connection;
  payments: PaymentStore;
  notifications: Pick<Notifications, 'notify'>;
  billers: Pick<BillerRegistry, 'get'>;
  /**
   * The work queue: a status enquiry that resolves a line requeues its settle-line job there (the
   * ledger booking, or the refund). Without it, the raise leaves the enquiry to the status-enquiry job.
   */
  queue?: SettlementQueue;
  /** The status enquiry's timing (hub/settlement/enquiry.ts). */
  settlement: EnquiryDeps['options'];
  options: ComplaintOptions;
  log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
}

/** Complaints' store, citizen service, operator actions and the two jobs, on one connection. */
export async function complaintParts(input: ComplaintPartsInput) {
  const { mongo, payments, log, options } = input;
  const store = new ComplaintStore(mongo);
  const recon = new ReconStore(mongo);
  await store.init();
  const openCases = (paymentId: string) =>
    recon.cases.find({ paymentId, status: 'open' }).limit(50).lean<ReconCase[]>().exec();
  const notify = complaintNotifier(input.notifications, payments, log);
  const { queue } = input;
  const enquire = queue
    ? (payment: Parameters<typeof enquireLine>[1], line: Parameters<typeof enquireLine>[2]) =>
        enquireLine({ payments, billers: input.billers, queue, log, options: input.settlement }, payment, line)
    : undefined;
  const service = new ComplaintService({
    store,
    payments,
    check: { openCases, enquiryTimeoutMs: options.enquiryTimeoutMs, log, ...(enquire ? { enquire } : {}) },
    notify,
    options,
  });
  const actions = new ComplaintActions({ store, audit: new OperatorAudit(mongo), notify });
  return {
    store,
    service,
    actions,
    payments,
    /** The `complaint-follow-up` job's run. */
    followUp: (now?: Date) => followUpComplaints({ store, payments, openCases, notify, log }, now),
    /** The `complaint-escalate` job's run. */
    escalate: (now?: Date) => escalateOverdue({ store, notify, options, log }, now),
  };
}

export type ComplaintParts = Awaited<ReturnType<typeof complaintParts>>;
