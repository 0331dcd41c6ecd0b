/**
 * The complaint and post-payment feedback API as the portal reads it (issue 12 contract: citizen
 * `POST/GET /complaints`, `GET /complaints/{id}`, `POST /complaints/{id}/rating`, and
 * `POST/GET /payments/{id}/feedback`). Amounts are integer paise, times ISO strings (UTC).
 */

/** A complaint id: `CMP` and 12 Crockford base32 characters (no I, L, O, U). */
export const COMPLAINT_ID = /^CMP[0-9A-HJKMNP-TV-Z]{12}$/;

/** The fixed list of complaint types (BBPS complaint types), in the order the form offers them. */
export const COMPLAINT_TYPES = [
  'amount_deducted_not_credited',
  'paid_twice',
  'wrong_amount',
  'refund_not_received',
  'receipt_not_received',
  'other',
] as const;
export type ComplaintType = (typeof COMPLAINT_TYPES)[number];

/** Where a complaint stands. */
export const COMPLAINT_STATUSES = [
  'open',
  'assigned',
  'waiting_for_biller',
  'resolved',
  'rejected',
  'escalated',
] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/** Statuses after which the complaint is answered: its clock has stopped and it can be rated. */
export const CLOSED_COMPLAINT_STATUSES: readonly string[] = ['resolved', 'rejected'];

/** What the hub found, by reference: a biller's receipt of the bill, a refund, a reconciliation case. */
export interface ComplaintEvidence {
  billerReference?: string;
  refundReference?: string;
  reconCaseId?: string;
}

/** ComplaintView of the contract: one complaint as its citizen sees it. */
export interface ComplaintView {
  id: string;
  paymentId: string;
  lineId?: string;
  type: ComplaintType | string;
  description: string;
  status: ComplaintStatus | string;
  createdAt: string;
  /** The promised resolution time (the turnaround); past it an open complaint escalates. */
  dueAt: string;
  closedAt?: string;
  /** Who handles it; the portal never shows who, only that someone does. */
  owner?: { sub: string; label?: string };
  disposition?: { code: string; reason: string; evidence?: ComplaintEvidence };
  timeline: { at: string; event: string; status?: string; detail?: string }[];
  rating?: { score: number; comment?: string; at: string };
  line?: { billerId: string; consumerMasked: string; amountMinor: number; status: string };
}

/** POST /complaints body. */
export interface NewComplaint {
  paymentId: string;
  lineId?: string;
  type: ComplaintType;
  description: string;
}

/** A score of 1..5 with an optional comment: a complaint's rating, or feedback on paying. */
export interface ScoreInput {
  score: number;
  comment?: string;
}

/** GET /payments/{id}/feedback (200). */
export interface PaymentFeedback {
  score: number;
  comment?: string;
  at: string;
}
