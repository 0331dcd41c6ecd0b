import type { AuditEntry } from '../audit-log.js';
import { type ActionRequest, audited, SubjectNotFoundError } from '../operator-action.js';
import type { OperatorDeps } from '../operator-deps.js';

/** A note an operator left on a payment: an audit entry of action `payment.annotate`. */
export interface PaymentNote {
  at: string;
  by: { sub: string; label?: string };
  note: string;
  reason: string;
}

/**
 * "Annotate a payment" (audit action `payment.annotate`): the note is kept in the audit log only,
 * as the entry's detail. It changes nothing on the payment document, so it can never race with
 * settlement. Refused (404) for a payment that does not exist.
 */
export async function annotatePayment(
  deps: OperatorDeps,
  paymentId: string,
  note: string,
  request: ActionRequest,
): Promise<PaymentNote> {
  const payment = await deps.payments.findById(paymentId);
  return audited(
    deps.audit,
    request,
    { action: 'payment.annotate', subject: { kind: 'payment', id: paymentId }, paymentId: payment?._id },
    async () => {
      if (!payment) throw new SubjectNotFoundError('payment', paymentId);
      return {
        detail: note,
        result: { at: new Date().toISOString(), by: request.actor, note, reason: request.reason },
      };
    },
  );
}

/** A payment's notes, newest first (for the payment's page). */
export async function paymentNotes(deps: Pick<OperatorDeps, 'audit'>, paymentId: string): Promise<PaymentNote[]> {
  const entries = await deps.audit.list({ paymentId, limit: 200 });
  return entries
    .filter((e: AuditEntry) => e.action === 'payment.annotate' && e.outcome === 'done')
    .map((e) => ({ at: e.at.toISOString(), by: e.actor, note: e.detail ?? '', reason: e.reason }));
}
