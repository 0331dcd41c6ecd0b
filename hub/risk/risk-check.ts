import type { Payment, PaymentModel } from '../payments/payment-model.js';
import { CitizenActivity, type CitizenActivityDoc } from './citizen-activity.js';
import { ConsumerHistory } from './consumer-history.js';
import { citizenDocId, recordActivity } from './risk-activity.js';
import { RiskRuleStore } from './risk-rule-store.js';
import { type RiskMarks, riskMarksOf } from './risk-state.js';
import { type CheckoutFacts, captureHits, checkoutHits, type RuleHit } from './rule-checks.js';

/**
 * Checks a payment against the operator's risk rules and records what fired on the payment
 * (`risk.flags`, each with its reason, plus a timeline entry). A `review` hit also sets
 * `risk.review.status = pending`, which keeps the captured payment from starting settlement
 * until an operator decides (see settlementWaitsForReview). Checks are cheap and do not grow with
 * the payments collection: at checkout the citizen's activity document and the consumers' history
 * documents are recorded in one bulk write and read back in one query by their unique keys
 * (risk-activity.ts, citizen-activity.ts, consumer-history.ts), concurrently with the rules
 * (cached, risk-rule-store.ts); at capture one query by card fingerprint (gateway.instrument index).
 */
export class RiskCheck {
  readonly rules: RiskRuleStore;
  private readonly citizens: CitizenActivity;
  private readonly consumers: ConsumerHistory;

  constructor(
    private readonly payments: PaymentModel,
    rules?: RiskRuleStore,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.rules = rules ?? new RiskRuleStore(payments.db);
    this.citizens = new CitizenActivity(payments);
    this.consumers = new ConsumerHistory(payments, clock);
  }

  /** The checkout rules, once, for a payment just made; returns the payment as it then is. */
  async atCheckout(payment: Payment): Promise<Payment> {
    const checked = await this.checkCheckout(payment);
    return checked.flags ? this.recordMarks(checked.payment, checked.flags) : checked.payment;
  }

  /**
   * The checkout rules, once, for a payment just made (recording the citizen's and consumers'
   * activity they read). A hit that opens a review is recorded at once, with every other hit, so
   * the review is open before any gateway order exists (a capture never outruns it). Flag-only
   * hits are returned unrecorded as `flags`: the checkout writes them with its move to
   * awaiting_payment (PaymentStore.openCheckout), one write instead of two, and records them with
   * recordMarks when that move does not happen. `payment` is the payment as it then is.
   */
  async checkCheckout(payment: Payment): Promise<{ payment: Payment; flags?: RiskMarks }> {
    const now = this.clock();
    const [rules, facts] = await Promise.all([this.rules.all(), this.checkoutFacts(payment, now)]);
    const marks = riskMarksOf(checkoutHits(rules, facts), 'checkout', now);
    if (!marks) return { payment };
    if (marks.review) return { payment: await this.recordMarks(payment, marks) };
    return { payment, flags: marks };
  }

  /**
   * The capture rules (declines of the card, when the gateway names one), once per payment: a
   * second event for the same capture adds nothing. Returns the payment as it then is.
   */
  async atCapture(payment: Payment, order: { instrument?: string }): Promise<Payment> {
    const marks = riskMarksOf(await this.captureHits(payment, order), 'capture', this.clock());
    return marks ? this.recordMarks(payment, marks) : payment;
  }

  /**
   * What the capture rules say of this capture, recording nothing: the on-time capture asks this
   * before its one write (hub/checkout/payment-capture.ts) and, when a rule fires, takes the path
   * that records it (atCapture). One count of the card's recent declines when the gateway names a
   * card and the rule is enabled; no query otherwise.
   */
  async captureHits(payment: Pick<Payment, '_id'>, order: { instrument?: string }): Promise<RuleHit[]> {
    if (!order.instrument) return [];
    const rules = await this.rules.all();
    if (!rules.instrument_failures.enabled) return [];
    const now = this.clock();
    const declines = await this.payments
      .countDocuments({
        'gateway.instrument': order.instrument,
        updatedAt: { $gte: new Date(now.getTime() - rules.instrument_failures.params.windowMinutes * 60_000) },
        status: 'failed',
        _id: { $ne: payment._id },
      })
      .exec();
    return captureHits(rules, declines);
  }

  /**
   * The facts of the checkout rules, from the citizen's and the consumers' activity documents, both
   * recorded by this call in one bulk write and read back in one query (recordActivity); nothing
   * here searches the payments collection (but the seeds, once).
   */
  private async checkoutFacts(payment: Payment, now: Date): Promise<CheckoutFacts> {
    const docs = await recordActivity(this.citizens.model, [
      ...this.citizens.checkoutWrites(payment, now),
      ...this.consumers.checkoutWrites(payment),
    ]);
    const mine = docs.get(citizenDocId(payment.citizenSub)) as CitizenActivityDoc | undefined;
    const [citizen, histories] = await Promise.all([
      this.citizens.factsAfter(mine, payment, now),
      this.consumers.historiesAfter(docs, payment),
    ]);
    return {
      now,
      paymentId: payment._id,
      recent: citizen.checkouts.map((c) => ({
        _id: c._id,
        status: citizen.failed.has(c._id) ? 'failed' : 'not_failed',
        createdAt: c.createdAt,
        consumers: c.consumers,
      })),
      firstSeenAt: citizen.firstSeenAt,
      lines: payment.lines.map((line, i) => ({
        amountMinor: line.amountMinor,
        billerId: line.billerId,
        consumerMasked: line.consumerMasked,
        history: histories[i] ?? [],
      })),
    };
  }

  /**
   * Records one stage's marks once (a payment already flagged at that stage is left as it is): the
   * flags with a timeline entry each; a review opens unless one exists. Returns the payment as it
   * then is.
   */
  async recordMarks(payment: Payment, marks: RiskMarks): Promise<Payment> {
    const once = { _id: payment._id, 'risk.flags.stage': { $ne: marks.stage } };
    const push = { 'risk.flags': { $each: marks.flags }, timeline: { $each: marks.timeline } };
    const update = (withReview: boolean) =>
      this.payments
        .findOneAndUpdate(
          withReview ? { ...once, 'risk.review': { $exists: false } } : once,
          {
            $push: push,
            $set: { 'risk.flaggedAt': marks.at, ...(withReview ? { 'risk.review': { status: 'pending' } } : {}) },
          },
          { returnDocument: 'after' },
        )
        .lean<Payment>()
        .exec();
    const updated = (marks.review ? await update(true) : null) ?? (await update(false));
    return updated ?? (await this.payments.findById(payment._id).lean<Payment>().exec()) ?? payment;
  }
}
