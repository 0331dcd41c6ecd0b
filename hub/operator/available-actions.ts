import type { Payment } from '../payments/payment-model.js';

/** One action an operator may take now, and the hub API call that takes it (relative to /api/v1). */
export interface AvailableAction {
  /** The audit action name it records. */
  action: 'line.enquire' | 'line.repost' | 'line.refund' | 'payment.refund' | 'payment.annotate';
  /** Short English label for a button. */
  label: string;
  /** What it does, in a sentence, for the form. */
  hint: string;
  method: 'post';
  path: string;
  subject: { kind: 'payment' | 'line'; id: string };
}

/**
 * The actions a payment's and its lines' current states allow (the same states the actions
 * themselves check, so a button shown here is refused only when the state moves meanwhile):
 * an unknown line can be enquired about or re-posted (re-posting only while the payment is
 * settling), a held line sent back to its refund, a held payment refunded whole; every payment
 * can be annotated. For the payment's page (the console's _payment-actions include).
 */
export function availableActions(payment: Pick<Payment, '_id' | 'status' | 'lines'>): AvailableAction[] {
  const actions: AvailableAction[] = [];
  for (const line of payment.lines) {
    const subject = { kind: 'line' as const, id: line._id };
    if (line.status === 'unknown') {
      actions.push({
        action: 'line.enquire',
        label: 'Enquire now',
        hint: 'Ask the biller for the status of this posting now.',
        method: 'post',
        path: `/operator/lines/${line._id}/enquire`,
        subject,
      });
      if (payment.status === 'settling') {
        actions.push({
          action: 'line.repost',
          label: 'Re-post with the same reference',
          hint: `Post it again as ${line.reference}: the biller counts it once.`,
          method: 'post',
          path: `/operator/lines/${line._id}/repost`,
          subject,
        });
      }
    }
    if (line.status === 'held') {
      actions.push({
        action: 'line.refund',
        label: 'Refund this line',
        hint: 'Send it back to the gateway refund under its own refund key.',
        method: 'post',
        path: `/operator/lines/${line._id}/refund`,
        subject,
      });
    }
  }
  if (payment.status === 'held') {
    actions.push({
      action: 'payment.refund',
      label: 'Refund the whole capture',
      hint: 'Refund everything the gateway took for this held payment.',
      method: 'post',
      path: `/operator/payments/${payment._id}/refund`,
      subject: { kind: 'payment', id: payment._id },
    });
  }
  actions.push({
    action: 'payment.annotate',
    label: 'Add a note',
    hint: 'Keep a note on this payment (in the audit log).',
    method: 'post',
    path: `/operator/payments/${payment._id}/notes`,
    subject: { kind: 'payment', id: payment._id },
  });
  return actions;
}
