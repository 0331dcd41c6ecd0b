import { Schema } from 'mongoose';

/** Where a rule was checked: when the checkout was made, or when the gateway captured the money. */
export type RiskStage = 'checkout' | 'capture';

/** One rule that fired on a payment, with its reason in words for the operator. */
export interface RiskFlag {
  /** The rule's id (hub/risk/risk-rules.ts). */
  rule: string;
  /** Why, in a sentence an operator can act on: the counts and limits that were crossed. */
  reason: string;
  stage: RiskStage;
  /** What the rule's action was when it fired: `review` holds settlement, `flag` does not. */
  action: 'flag' | 'review';
  at: Date;
}

/**
 * An operator's review of a flagged payment. `pending`: a captured payment does not start
 * settlement; `released`: settlement may start; `refunded`: every line was refunded instead.
 */
export interface RiskReview {
  status: 'pending' | 'released' | 'refunded';
  /** The operator who decided (subject and label), absent while pending. */
  by?: { sub: string; label?: string };
  at?: Date;
}

/** The risk signals of a payment (optional: a payment no rule fired on has none). */
export interface PaymentRisk {
  flags: RiskFlag[];
  /** When the last flag was added: the flagged queue's order. */
  flaggedAt?: Date;
  review?: RiskReview;
}

const flagSchema = new Schema<RiskFlag>(
  {
    rule: { type: String, required: true },
    reason: { type: String, required: true },
    stage: { type: String, enum: ['checkout', 'capture'], required: true },
    action: { type: String, enum: ['flag', 'review'], required: true },
    at: { type: Date, required: true },
  },
  { _id: false },
);

const reviewSchema = new Schema<RiskReview>(
  {
    status: { type: String, enum: ['pending', 'released', 'refunded'], required: true },
    by: new Schema({ sub: { type: String, required: true }, label: String }, { _id: false }),
    at: Date,
  },
  { _id: false },
);

/** The payment's `risk` subdocument (payment-model.ts). */
export const paymentRiskSchema = new Schema<PaymentRisk>(
  { flags: { type: [flagSchema], default: [] }, flaggedAt: Date, review: reviewSchema },
  { _id: false },
);

/** Review statuses that keep a captured payment from starting settlement (the capture and the sweeper both ask). */
export const HOLDING_REVIEW_STATUSES: readonly RiskReview['status'][] = ['pending', 'refunded'];

/** Whether settlement must not start: a review is pending, or the operator chose a refund. */
export function settlementWaitsForReview(payment: { risk?: PaymentRisk }): boolean {
  const status = payment.risk?.review?.status;
  return status !== undefined && HOLDING_REVIEW_STATUSES.includes(status);
}

/** A risk timeline entry on the payment (the shape of payment-model's TimelineEntry it uses). */
export interface RiskTimelineEntry {
  at: Date;
  event: 'risk.flagged';
  detail: string;
}

/**
 * What recording one stage's rule hits writes on a payment: the flags (each stamped with the
 * stage and `at`), one `risk.flagged` timeline entry per flag, and whether a review opens (any hit
 * whose action is `review`). Undefined when nothing fired. Both RiskCheck (its own update) and the
 * checkout's move to awaiting_payment (flag-only marks folded into it) write exactly this.
 */
export interface RiskMarks {
  stage: RiskStage;
  at: Date;
  flags: RiskFlag[];
  timeline: RiskTimelineEntry[];
  review: boolean;
}

/** The marks of `hits` at `stage`, as of `now` (see RiskMarks); undefined for no hits. */
export function riskMarksOf(
  hits: readonly { rule: string; reason: string; action: RiskFlag['action'] }[],
  stage: RiskStage,
  now: Date,
): RiskMarks | undefined {
  if (hits.length === 0) return undefined;
  const flags: RiskFlag[] = hits.map((hit) => ({
    rule: hit.rule,
    reason: hit.reason,
    action: hit.action,
    stage,
    at: now,
  }));
  return {
    stage,
    at: now,
    flags,
    timeline: flags.map((flag) => ({
      at: now,
      event: 'risk.flagged',
      detail: `${flag.rule}: ${flag.reason}${flag.action === 'review' ? ' Settlement waits for an operator.' : ''}`,
    })),
    review: flags.some((flag) => flag.action === 'review'),
  };
}
