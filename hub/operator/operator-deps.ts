import type { BillerRegistry } from '../../adapters/registry/index.js';
import { AppError } from '../../infra/errors.js';
import type { PaymentGateway } from '../gateway/port.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Payment, PaymentLine } from '../payments/payment-model.js';
import type { PaymentStore } from '../payments/payment-store.js';
import type { ReconStore } from '../reconciliation/recon-store.js';
import type { SettlementLog } from '../settlement/deps.js';
import type { EnquiryDeps } from '../settlement/enquiry.js';
import type { SettlementQueue } from '../settlement/queue.js';
import type { OperatorAudit } from './audit-log.js';
import { SubjectNotFoundError } from './operator-action.js';

/**
 * What the operator's actions use: the same stores, queue and gateway as settlement, so an action
 * moves money only through settlement's own steps (a settle-line job, the gateway's refund by key,
 * the ledger's keyed movements), never by writing entries itself.
 */
export interface OperatorDeps {
  payments: PaymentStore;
  ledger: Ledger;
  recon: ReconStore;
  audit: OperatorAudit;
  billers: Pick<BillerRegistry, 'get'>;
  gateway: Pick<PaymentGateway, 'refund'>;
  /** The hub's work queue (settle-line jobs). Without it, actions that hand a line to settlement are refused (503). */
  queue?: SettlementQueue;
  /** The status enquiry's timing (hub/settlement/enquiry.ts). */
  options: EnquiryDeps['options'];
  log: SettlementLog;
}

/** The payment a line belongs to and the line, or a 404. */
export async function paymentOfLine(
  payments: PaymentStore,
  lineId: string,
): Promise<{ payment: Payment; line: PaymentLine } | null> {
  const payment = await payments.model.findOne({ 'lines._id': lineId }).lean<Payment>().exec();
  const line = payment?.lines.find((l) => l._id === lineId);
  return payment && line ? { payment, line } : null;
}

/** Throws the action's 404 unless the line was found. */
export function foundLine(
  found: { payment: Payment; line: PaymentLine } | null,
  lineId: string,
): { payment: Payment; line: PaymentLine } {
  if (!found) throw new SubjectNotFoundError('line', lineId);
  return found;
}

/** The queue, or a 503 saying the action cannot hand work to settlement here. */
export function queueOf(deps: OperatorDeps): SettlementQueue {
  if (!deps.queue) {
    throw new AppError(503, 'queue_unavailable', 'this hub has no work queue to hand the line to settlement');
  }
  return deps.queue;
}

/** The enquiry code's deps over the operator's. */
export function enquiryDepsOf(deps: OperatorDeps): EnquiryDeps {
  return { payments: deps.payments, billers: deps.billers, queue: queueOf(deps), log: deps.log, options: deps.options };
}
