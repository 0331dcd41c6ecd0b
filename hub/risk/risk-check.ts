import { escapeRegExp } from '../../infra/mongo.js';
import type { Payment, PaymentModel } from '../payments/payment-model.js';
import { RiskRuleStore } from './risk-rule-store.js';
import type { RiskRules } from './risk-rules.js';
import type { RiskFlag, RiskStage } from './risk-state.js';
import { type CheckoutFacts, captureHits, checkoutHits, consumerKeyOf, type RuleHit } from './rule-checks.js';

/** How many of a consumer's earlier settled payments the amount rule reads (the newest). */
const HISTORY_LIMIT = 50;
/** How many of a citizen's recent payments the checkout rules read: far above any limit worth setting. */
const RECENT_LIMIT = 2000;

/**
 * Checks a payment against the operator's risk rules and records what fired on the payment
 * (`risk.flags`, each with its reason, plus a timeline entry). A `review` hit also sets
 * `risk.review.status = pending`, which keeps the captured payment from starting settlement
 * until an operator decides (see settlementWaitsForReview). Checks are cheap: at checkout one
 * query of the citizen's payments (citizenSub + createdAt index), one for their first payment,
 * and one per consumer for the amount rule (lines.billKey index, prefix match); at capture one
 * query by card fingerprint (gateway.instrument index).
 */
export class RiskCheck {
  readonly rules: RiskRuleStore;

  constructor(
    private readonly payments: PaymentModel,
    rules?: RiskRuleStore,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.rules = rules ?? new RiskRuleStore(payments.db);
  }

  /** The checkout rules, once, for a payment just made; returns the payment as it then is. */
  async atCheckout(payment: Payment): Promise<Payment> {
    const rules = await this.rules.all();
    const now = this.clock();
    const hits = checkoutHits(rules, await this.checkoutFacts(payment, rules, now));
    return this.record(payment, hits, 'checkout', now);
  }

  /**
   * The capture rules (declines of the card, when the gateway names one), once per payment: a
   * second event for the same capture adds nothing. Returns the payment as it then is.
   */
  async atCapture(payment: Payment, order: { instrument?: string }): Promise<Payment> {
    if (!order.instrument) return payment;
    const rules = await this.rules.all();
    if (!rules.instrument_failures.enabled) return payment;
    const now = this.clock();
    const declines = await this.payments
      .countDocuments({
        'gateway.instrument': order.instrument,
        updatedAt: { $gte: new Date(now.getTime() - rules.instrument_failures.params.windowMinutes * 60_000) },
        status: 'failed',
        _id: { $ne: payment._id },
      })
      .exec();
    return this.record(payment, captureHits(rules, declines), 'capture', now);
  }

  private async checkoutFacts(payment: Payment, rules: RiskRules, now: Date): Promise<CheckoutFacts> {
    const windows = [
      rules.checkout_velocity.params.windowMinutes,
      rules.citizen_failures.params.windowMinutes,
      rules.new_account_consumers.params.windowMinutes,
    ];
    const from = new Date(now.getTime() - Math.max(...windows) * 60_000);
    const [recent, first] = await Promise.all([
      this.payments
        .find({ citizenSub: payment.citizenSub, createdAt: { $gte: from } })
        .select({ status: 1, createdAt: 1, 'lines.billKey': 1, 'lines.billNumber': 1 })
        .sort({ createdAt: -1 })
        .limit(RECENT_LIMIT)
        .lean<Pick<Payment, '_id' | 'status' | 'createdAt' | 'lines'>[]>()
        .exec(),
      this.payments
        .findOne({ citizenSub: payment.citizenSub })
        .select({ createdAt: 1 })
        .sort({ createdAt: 1 })
        .lean<Pick<Payment, 'createdAt'>>()
        .exec(),
    ]);
    const lines = rules.amount_above_history.enabled
      ? await Promise.all(
          payment.lines.map(async (line) => ({
            amountMinor: line.amountMinor,
            billerId: line.billerId,
            consumerMasked: line.consumerMasked,
            history: await this.settledAmounts(consumerKeyOf(line), payment._id),
          })),
        )
      : [];
    return {
      now,
      paymentId: payment._id,
      recent: recent.map((p) => ({
        _id: p._id,
        status: p.status,
        createdAt: p.createdAt,
        consumers: p.lines.map(consumerKeyOf),
      })),
      firstSeenAt: first?.createdAt ?? payment.createdAt,
      lines,
    };
  }

  /** The amounts of a consumer's settled lines in other payments, newest payments first. */
  private async settledAmounts(consumerKey: string, exceptPaymentId: string): Promise<number[]> {
    const prefix = new RegExp(`^${escapeRegExp(consumerKey)}`);
    const found = await this.payments
      .find({ _id: { $ne: exceptPaymentId }, lines: { $elemMatch: { billKey: prefix, status: 'settled' } } })
      .select({ 'lines.billKey': 1, 'lines.billNumber': 1, 'lines.status': 1, 'lines.amountMinor': 1 })
      .sort({ createdAt: -1 })
      .limit(HISTORY_LIMIT)
      .lean<Pick<Payment, 'lines'>[]>()
      .exec();
    return found.flatMap((p) =>
      p.lines.filter((l) => l.status === 'settled' && consumerKeyOf(l) === consumerKey).map((l) => l.amountMinor),
    );
  }

  /**
   * Records the hits of one stage once (a payment already flagged at this stage is left as it is),
   * with a timeline entry each; a `review` hit opens a review unless one exists.
   */
  private async record(payment: Payment, hits: RuleHit[], stage: RiskStage, now: Date): Promise<Payment> {
    if (hits.length === 0) return payment;
    const flags: RiskFlag[] = hits.map((hit) => ({ ...hit, stage, at: now }));
    const review = hits.some((hit) => hit.action === 'review');
    const timeline = flags.map((flag) => ({
      at: now,
      event: 'risk.flagged',
      detail: `${flag.rule}: ${flag.reason}${flag.action === 'review' ? ' Settlement waits for an operator.' : ''}`,
    }));
    const once = { _id: payment._id, 'risk.flags.stage': { $ne: stage } };
    const push = { 'risk.flags': { $each: flags }, timeline: { $each: timeline } };
    const update = (withReview: boolean) =>
      this.payments
        .findOneAndUpdate(
          withReview ? { ...once, 'risk.review': { $exists: false } } : once,
          {
            $push: push,
            $set: { 'risk.flaggedAt': now, ...(withReview ? { 'risk.review': { status: 'pending' } } : {}) },
          },
          { returnDocument: 'after' },
        )
        .lean<Payment>()
        .exec();
    const updated = (review ? await update(true) : null) ?? (await update(false));
    return updated ?? (await this.payments.findById(payment._id).lean<Payment>().exec()) ?? payment;
  }
}
