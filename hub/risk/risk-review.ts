import { AppError, NotFoundError } from '../../infra/errors.js';
import type { StartSettlement } from '../checkout/payment-capture.js';
import type { AuditActor, OperatorAudit } from '../operator/audit-log.js';
import type { Payment, PaymentStatus, PaymentStore } from '../payments/index.js';

/** What an operator decides about a payment under review. */
export type ReviewDecision = 'release' | 'refund';

/** The failure code of a line refunded because an operator refused the payment after a risk review. */
export const REFUSED_AFTER_REVIEW = 'refused_after_review';

/** Statuses in which a pending review may be released: before the capture (nothing then waits) or after it. */
export const RELEASABLE: PaymentStatus[] = ['created', 'awaiting_payment', 'captured'];

/**
 * The operator's side of risk reviews: the flagged queue, and the decision on a payment under
 * review. Both decisions start with one conditional update of `risk.review.status` from
 * `pending`, so two operators (or a double click) decide once; a payment whose state moved is
 * refused in words (409 `review_not_pending`). Every decision, done or refused, is audited.
 */
export class RiskReviews {
  constructor(
    private readonly payments: PaymentStore,
    private readonly startSettlement: StartSettlement,
    private readonly audit: OperatorAudit,
  ) {}

  /**
   * Flagged payments: those waiting for a review decision first (review pending, not yet paid or
   * captured; oldest first: they have waited longest), then the other flagged ones, most recently
   * flagged first. At most `limit` of each.
   */
  async flagged(limit = 50): Promise<Payment[]> {
    const [pending, others] = await Promise.all([
      this.payments.model
        .find({ 'risk.review.status': 'pending', status: { $in: RELEASABLE } })
        .sort({ createdAt: 1 })
        .limit(limit)
        .lean<Payment[]>(),
      // A checkout refused or lapsed with its review open is not waiting for anyone (a late
      // capture would bring it back to captured, and to the first list).
      this.payments.model
        .find({
          'risk.flaggedAt': { $exists: true },
          $or: [{ 'risk.review.status': { $ne: 'pending' } }, { status: { $nin: RELEASABLE } }],
        })
        .sort({ 'risk.flaggedAt': -1 })
        .limit(limit)
        .lean<Payment[]>(),
    ]);
    return [...pending, ...others];
  }

  /**
   * Applies an operator's decision. `release`: the review is released and, for a captured
   * payment, settlement starts as it would have at capture. `refund` (captured payments only):
   * every pending line fails with `refused_after_review` and goes through the normal refund path
   * (failed → refunding → refunded by the settlement jobs, with their ledger movements), so the
   * payment ends refunded (a refund cut short by a crash may be decided again, and finishes the
   * lines left). Throws NotFoundError, or AppError 409 `review_not_pending` when the
   * payment is not (or no longer) waiting for this decision.
   */
  async decide(paymentId: string, decision: ReviewDecision, reason: string, actor: AuditActor): Promise<Payment> {
    const payment = await this.payments.findById(paymentId);
    if (!payment) throw new NotFoundError(`no payment ${paymentId}`);
    const now = new Date();
    const by = actor.label ? { sub: actor.sub, label: actor.label } : { sub: actor.sub };
    const decided = await this.payments.model
      .findOneAndUpdate(
        (decision === 'release'
          ? { _id: paymentId, 'risk.review.status': 'pending', status: { $in: RELEASABLE } }
          : {
              _id: paymentId,
              status: 'captured',
              // A refund cut short (a crash between lines) may be asked for again: it finishes the lines left.
              $or: [
                { 'risk.review.status': 'pending' },
                { 'risk.review.status': 'refunded', 'lines.status': 'pending' },
              ],
            }) as never,
        {
          $set: { 'risk.review': { status: decision === 'release' ? 'released' : 'refunded', by, at: now } },
          $push: {
            timeline: {
              at: now,
              event: decision === 'release' ? 'risk.released' : 'risk.refused',
              detail: `${decision === 'release' ? 'released' : 'refused and refunded'} after review by ${actor.label ?? actor.sub}`,
            },
          },
        },
        { returnDocument: 'after' },
      )
      .lean<Payment>()
      .exec();
    if (!decided) {
      const current = (await this.payments.findById(paymentId)) ?? payment;
      const why = refusal(current, decision);
      await this.record(paymentId, decision, reason, actor, 'refused', why);
      throw new AppError(409, 'review_not_pending', why, {
        paymentStatus: current.status,
        reviewStatus: current.risk?.review?.status ?? null,
      });
    }
    const after = decision === 'release' ? await this.release(decided) : await this.refund(decided);
    await this.record(
      paymentId,
      decision,
      reason,
      actor,
      'done',
      decision === 'release'
        ? `review released; the payment was ${decided.status}${decided.status === 'captured' ? ', settlement started' : ''}`
        : `review refused; ${decided.lines.length} line(s) sent to refund`,
    );
    return after;
  }

  /** A captured payment starts settlement as the capture would have; an unpaid one settles when captured. */
  private async release(payment: Payment): Promise<Payment> {
    if (payment.status !== 'captured') return payment;
    const settling = await this.payments.transitionPayment(
      payment._id,
      'captured',
      'settling',
      'settlement_started',
      undefined,
      'released after a risk review',
    );
    if (settling) await this.startSettlement(settling);
    return settling ?? (await this.payments.findById(payment._id)) ?? payment;
  }

  /** Every line not yet started fails, then the settlement jobs refund the failed lines. */
  private async refund(payment: Payment): Promise<Payment> {
    for (const line of payment.lines.filter((l) => l.status === 'pending')) {
      await this.payments.transitionLine(payment._id, line._id, 'pending', 'failed', 'risk.refused', {
        failureCode: REFUSED_AFTER_REVIEW,
        failureMessage: 'refunded: an operator refused the payment after a risk review',
      });
    }
    const current = (await this.payments.findById(payment._id)) ?? payment;
    // The jobs of the failed lines refund them and move the payment to refunded (captured → refunded).
    await this.startSettlement(current);
    return current;
  }

  private async record(
    paymentId: string,
    decision: ReviewDecision,
    reason: string,
    actor: AuditActor,
    outcome: 'done' | 'refused',
    detail: string,
  ): Promise<void> {
    await this.audit.record({
      actor,
      action: `risk_review.${decision}`,
      subject: { kind: 'payment', id: paymentId },
      reason,
      outcome,
      detail,
      paymentId,
    });
  }
}

/** Why a decision cannot be applied to the payment as it now is, in words. */
function refusal(payment: Payment, decision: ReviewDecision): string {
  const review = payment.risk?.review;
  if (!review) return `payment ${payment._id} has no risk review: nothing to ${decision}`;
  if (review.status !== 'pending') {
    return `the review of payment ${payment._id} was already decided (${review.status}${review.by ? ` by ${review.by.label ?? review.by.sub}` : ''})`;
  }
  if (decision === 'refund') {
    return `payment ${payment._id} is ${payment.status}: only a captured payment can be refunded (release the review, or let an unpaid checkout lapse)`;
  }
  return `payment ${payment._id} is ${payment.status}: its review can no longer be released`;
}
