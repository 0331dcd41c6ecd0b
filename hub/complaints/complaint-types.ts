import { randomBytes } from 'node:crypto';

/**
 * The complaint types a citizen picks from (BBPS complaint management's transaction-based
 * complaint types), each with the plain English label the portal and the console show.
 */
export const COMPLAINT_TYPE_LABELS = {
  amount_deducted_not_credited: 'Money was taken but the bill is not marked paid',
  paid_twice: 'I paid the same bill twice',
  wrong_amount: 'The wrong amount was taken',
  refund_not_received: 'I have not received my refund',
  receipt_not_received: 'I did not get a receipt',
  other: 'Something else',
} as const;
export type ComplaintType = keyof typeof COMPLAINT_TYPE_LABELS;
export const COMPLAINT_TYPES = Object.keys(COMPLAINT_TYPE_LABELS) as [ComplaintType, ...ComplaintType[]];

/** Where a complaint is: with nobody yet, with an operator, waiting on the biller, closed, or overdue. */
export const COMPLAINT_STATUSES = [
  'open',
  'assigned',
  'waiting_for_biller',
  'resolved',
  'rejected',
  'escalated',
] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/**
 * The moves a complaint may make. resolved and rejected are final (closed). escalated is entered
 * by the escalation job when the turnaround passes (or by an operator); an escalated complaint
 * that passes its new due time stays escalated at the next level (a change of level, not status).
 *
 *   open ──► assigned | waiting_for_biller | resolved | rejected | escalated
 *   assigned ──► open | waiting_for_biller | resolved | rejected | escalated
 *   waiting_for_biller ──► open | assigned | resolved | rejected | escalated
 *   escalated ──► assigned | waiting_for_biller | resolved | rejected
 */
export const COMPLAINT_TRANSITIONS: Readonly<Record<ComplaintStatus, readonly ComplaintStatus[]>> = {
  open: ['assigned', 'waiting_for_biller', 'resolved', 'rejected', 'escalated'],
  assigned: ['open', 'waiting_for_biller', 'resolved', 'rejected', 'escalated'],
  waiting_for_biller: ['open', 'assigned', 'resolved', 'rejected', 'escalated'],
  escalated: ['assigned', 'waiting_for_biller', 'resolved', 'rejected'],
  resolved: [],
  rejected: [],
};

export const CLOSED_COMPLAINT_STATUSES: readonly ComplaintStatus[] = ['resolved', 'rejected'];
export const OPEN_COMPLAINT_STATUSES: readonly ComplaintStatus[] = COMPLAINT_STATUSES.filter(
  (s) => !CLOSED_COMPLAINT_STATUSES.includes(s),
);

/** The statuses from which a complaint may move to `to` (the inverse of COMPLAINT_TRANSITIONS). */
export function complaintStatusesInto(to: ComplaintStatus): ComplaintStatus[] {
  return COMPLAINT_STATUSES.filter((from) => COMPLAINT_TRANSITIONS[from].includes(to));
}

/**
 * How a complaint was closed, with a plain English label: the first three come with evidence (a
 * biller reference, a refund reference); `rejected_*` codes are for rejections.
 */
export const DISPOSITION_LABELS = {
  credited_to_biller: 'The biller has received the payment',
  refunded: 'The money was refunded to you',
  duplicate_refunded: 'The second payment of the bill was refunded to you',
  amount_corrected: 'The amount was corrected',
  receipt_sent: 'The receipt was sent again',
  resolved_other: 'Resolved: see the reason',
  rejected_no_fault: 'We found nothing wrong with the payment',
  rejected_duplicate_complaint: 'This complaint repeats another one',
  rejected_outside_scope: 'This is a matter for the biller, not for BillPay',
} as const;
export type DispositionCode = keyof typeof DISPOSITION_LABELS;

/**
 * The reasons the hub writes itself when its records answer a complaint (pre-check.ts): each is
 * a stock sentence the citizen's pages word in the citizen's language (Disposition.reasonKey).
 */
export const AUTOMATIC_REASON_KEYS = [
  'paid_to_biller_no_refund_due',
  'received_by_biller',
  'refused_and_refunded',
  'paid_twice_refunded',
] as const;
export type AutomaticReasonKey = (typeof AUTOMATIC_REASON_KEYS)[number];
export const DISPOSITION_CODES = Object.keys(DISPOSITION_LABELS) as [DispositionCode, ...DispositionCode[]];
export const REJECTION_CODES = DISPOSITION_CODES.filter((code) => code.startsWith('rejected_'));
export const RESOLUTION_CODES = DISPOSITION_CODES.filter((code) => !code.startsWith('rejected_'));

/** Crockford base32 (no I, L, O, U), as payment ids. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** CMP + 12 Crockford base32 characters (60 random bits): short enough to read out on a phone call. */
export const COMPLAINT_ID_PATTERN = /^CMP[0-9A-HJKMNP-TV-Z]{12}$/;

/** A new complaint id; 256 is a multiple of 32, so `byte & 31` is uniform. */
export function newComplaintId(): string {
  let body = '';
  for (const byte of randomBytes(12)) body += ALPHABET[byte & 31];
  return `CMP${body}`;
}
