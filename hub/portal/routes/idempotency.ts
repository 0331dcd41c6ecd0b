import { createHash, randomBytes } from 'node:crypto';

/** A fresh value for a pay form's hidden `attempt` field: one per rendered form. */
export const newAttempt = () => randomBytes(16).toString('base64url');

/**
 * The Idempotency-Key of a checkout from a pay form: the form's `attempt` value and what was
 * selected. Submitting the same form twice (a double click, a reload) replays the same checkout;
 * another selection, or a newly rendered form, is a new checkout.
 */
export function checkoutKey(sessionId: string, attempt: string, lines: unknown): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([sessionId, attempt, lines]))
    .digest('base64url');
  return `portal-${digest.slice(0, 40)}`;
}

/**
 * The Idempotency-Key of a complaint from the complaint form: the form's `attempt` value and what
 * it says (payment, line, type, description). A double click or a resubmitted form replays the
 * complaint made first instead of raising a second one; a newly rendered form is a new complaint.
 */
export function complaintKey(sessionId: string, attempt: string, complaint: unknown): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(['complaint', sessionId, attempt, complaint]))
    .digest('base64url');
  return `portal-complaint-${digest.slice(0, 40)}`;
}
