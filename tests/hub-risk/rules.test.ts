import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperatorAudit } from '../../hub/operator/audit-log.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import type { PaymentStore } from '../../hub/payments/payment-store.js';
import type { RiskCheck } from '../../hub/risk/risk-check.js';
import { RiskReviews } from '../../hub/risk/risk-review.js';
import { RiskRuleStore } from '../../hub/risk/risk-rule-store.js';
import { DEFAULT_RULES } from '../../hub/risk/risk-rules.js';
import { isolatedMongo } from '../support/isolation.js';
import { ageBy, checkedOut, lineFor, onlyRule, paymentOf, settledPayment } from './fixtures.js';
import { type RiskTestBed, riskTestBed } from './support/risk-test-bed.js';

/**
 * Each rule at its boundary: a count at the limit passes, one above it fires with its reason in
 * words, and work outside the window does not count. The rule store is shared by the file, so the
 * tests run one after another and each tunes only the rule it checks.
 */
describe('risk rules fire above their limits and not at them', () => {
  let db: RiskTestBed['db'];
  let payments: PaymentStore;
  let rules: RiskRuleStore;
  let risk: RiskCheck;
  const citizen = () => `citizen-${randomUUID()}`;
  const failed = async (payment: Payment, instrument?: string) => {
    await payments.transitionPayment(
      payment._id,
      'created',
      'failed',
      'payment_failed',
      instrument ? { gateway: { instrument } } : undefined,
    );
  };

  beforeAll(async () => {
    ({ db, payments, rules, risk } = await riskTestBed('risk_rules'));
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('checkout velocity: the limit of checkouts in the window passes, one more is flagged', async () => {
    await onlyRule(rules, 'checkout_velocity', { maxCheckouts: 3, windowMinutes: 60 });
    const sub = citizen();
    // An hour and a minute ago: outside the window, not counted.
    const old = await paymentOf(payments, sub, [lineFor('100000001')]);
    await ageBy(payments, old._id, 61);
    await paymentOf(payments, sub, [lineFor('100000002')]);
    await paymentOf(payments, sub, [lineFor('100000003')]);
    const third = await risk.atCheckout(await paymentOf(payments, sub, [lineFor('100000004')]));
    expect(third.risk).toBeUndefined();

    const fourth = await risk.atCheckout(await paymentOf(payments, sub, [lineFor('100000005')]));
    expect(fourth.risk?.flags).toEqual([
      expect.objectContaining({
        rule: 'checkout_velocity',
        stage: 'checkout',
        action: 'flag',
        reason: '4 checkouts by this citizen in the last 60 minutes (the limit is 3).',
      }),
    ]);
    // A flag alone opens no review: the payment settles, and the flag is looked at afterwards.
    expect(fourth.risk?.review).toBeUndefined();
    expect(fourth.timeline.at(-1)).toMatchObject({ event: 'risk.flagged' });
  });

  it("citizen failures: the limit of a citizen's failed payments passes, one more is flagged", async () => {
    await onlyRule(rules, 'citizen_failures', { maxFailures: 2, windowMinutes: 30 });
    const sub = citizen();
    const outside = await paymentOf(payments, sub, [lineFor('200000001')]);
    await failed(outside);
    await ageBy(payments, outside._id, 31);
    for (const consumer of ['200000002', '200000003'])
      await failed(await paymentOf(payments, sub, [lineFor(consumer)]));
    const atLimit = await risk.atCheckout(await paymentOf(payments, sub, [lineFor('200000004')]));
    expect(atLimit.risk).toBeUndefined();

    // Made through checkout, as every payment is: the citizen's activity records it.
    await failed(await checkedOut(risk, payments, sub, [lineFor('200000005')]));
    const above = await risk.atCheckout(await paymentOf(payments, sub, [lineFor('200000006')]));
    expect(above.risk?.flags.map((f) => f.rule)).toEqual(['citizen_failures']);
    expect(above.risk?.flags[0]?.reason).toBe(
      '3 failed payments by this citizen in the last 30 minutes (the limit is 2).',
    );
  });

  it('new account paying many consumers: the limit of distinct consumers passes, one more is flagged', async () => {
    await onlyRule(rules, 'new_account_consumers', { maxConsumers: 2, windowMinutes: 120, newAccountMinutes: 60 });
    const sub = citizen();
    await paymentOf(payments, sub, [lineFor('300000001'), lineFor('300000002')]);
    // The same consumer again is not a new one.
    const same = await risk.atCheckout(await paymentOf(payments, sub, [lineFor('300000002')]));
    expect(same.risk).toBeUndefined();

    const third = await risk.atCheckout(await paymentOf(payments, sub, [lineFor('300000003')]));
    expect(third.risk?.flags.map((f) => f.rule)).toEqual(['new_account_consumers']);
    expect(third.risk?.flags[0]?.reason).toMatch(/paid 3 different consumers in the last 120 minutes \(the limit is 2/);
  });

  it('new account paying many consumers: an account older than the limit is not flagged', async () => {
    await onlyRule(rules, 'new_account_consumers', { maxConsumers: 2, windowMinutes: 120, newAccountMinutes: 60 });
    const sub = citizen();
    const first = await paymentOf(payments, sub, [lineFor('310000001')]);
    await ageBy(payments, first._id, 90);
    await paymentOf(payments, sub, [lineFor('310000002')]);
    const third = await risk.atCheckout(await paymentOf(payments, sub, [lineFor('310000003')]));
    expect(third.risk).toBeUndefined();
  });

  it("amount above history: k times the consumer's median passes, one paisa more is held for review", async () => {
    await onlyRule(rules, 'amount_above_history', { multiplier: 2, minHistory: 3 }, 'review');
    const consumer = '400000001';
    // History from any citizen: the consumer's own settled payments, 90, 100 and 150 rupees (median 100).
    for (const amount of [9_000, 10_000, 15_000])
      await settledPayment(payments, citizen(), [lineFor(consumer, amount)], risk);
    // Another consumer's history and a payment that never settled count for nothing.
    await settledPayment(payments, citizen(), [lineFor('400000002', 100)], risk);
    await checkedOut(risk, payments, citizen(), [lineFor(consumer, 10)]);
    const sub = citizen();
    const atLimit = await risk.atCheckout(await paymentOf(payments, sub, [lineFor(consumer, 20_000)]));
    expect(atLimit.risk).toBeUndefined();

    const above = await risk.atCheckout(await paymentOf(payments, sub, [lineFor(consumer, 20_001)]));
    expect(above.risk?.flags).toEqual([expect.objectContaining({ rule: 'amount_above_history', action: 'review' })]);
    expect(above.risk?.flags[0]?.reason).toBe(
      '₹200.01 for consumer *****0001 (electricity-discom) is 2.0 times the median ₹100.00 of its 3 settled payments (the limit is 2 times).',
    );
    expect(above.risk?.review).toEqual({ status: 'pending' });
  });

  it('amount above history: fewer settled payments than the minimum history never fire', async () => {
    await onlyRule(rules, 'amount_above_history', { multiplier: 2, minHistory: 3 }, 'review');
    const consumer = '410000001';
    for (const amount of [100, 100]) await settledPayment(payments, citizen(), [lineFor(consumer, amount)]);
    const huge = await risk.atCheckout(await paymentOf(payments, citizen(), [lineFor(consumer, 10_000_000)]));
    expect(huge.risk).toBeUndefined();
  });

  it("card failures: the limit of one card's declines across citizens passes at capture, one more is held", async () => {
    await onlyRule(rules, 'instrument_failures', { maxFailures: 2, windowMinutes: 60 }, 'review');
    const card = `fp_${randomUUID().slice(0, 12)}`;
    const outside = await paymentOf(payments, citizen(), [lineFor('500000001')]);
    await failed(outside, card);
    await ageBy(payments, outside._id, 61);
    // Declines of another card, and of this one by two different citizens.
    await failed(await paymentOf(payments, citizen(), [lineFor('500000002')]), 'fp_other');
    for (const consumer of ['500000003', '500000004']) {
      await failed(await paymentOf(payments, citizen(), [lineFor(consumer)]), card);
    }
    const atLimit = await risk.atCapture(await paymentOf(payments, citizen(), [lineFor('500000005')]), {
      instrument: card,
    });
    expect(atLimit.risk).toBeUndefined();

    await failed(await paymentOf(payments, citizen(), [lineFor('500000006')]), card);
    const payment = await paymentOf(payments, citizen(), [lineFor('500000007')]);
    const above = await risk.atCapture(payment, { instrument: card });
    expect(above.risk?.flags).toEqual([
      expect.objectContaining({
        rule: 'instrument_failures',
        stage: 'capture',
        action: 'review',
        reason: 'The card used was declined 3 times in the last 60 minutes (the limit is 2).',
      }),
    ]);
    expect(above.risk?.review).toEqual({ status: 'pending' });
    // A second event for the same capture adds nothing.
    const again = await risk.atCapture(above, { instrument: card });
    expect(again.risk?.flags).toHaveLength(1);
    // Without a fingerprint from the gateway the rule has nothing to count.
    expect(
      (await risk.atCapture(await paymentOf(payments, citizen(), [lineFor('500000008')]), {})).risk,
    ).toBeUndefined();
  });

  it('a disabled rule never fires', async () => {
    await onlyRule(rules, 'checkout_velocity', { maxCheckouts: 1, windowMinutes: 60 });
    await rules.save({ ...DEFAULT_RULES.checkout_velocity, enabled: false }, 'test');
    const sub = citizen();
    await paymentOf(payments, sub, [lineFor('600000001')]);
    const second = await risk.atCheckout(await paymentOf(payments, sub, [lineFor('600000002')]));
    expect(second.risk).toBeUndefined();
  });

  it('the flagged queue lists payments waiting for a review first, oldest first, then the other flags newest first', async () => {
    await onlyRule(rules, 'checkout_velocity', { maxCheckouts: 1, windowMinutes: 60 }, 'review');
    const sub = citizen();
    await paymentOf(payments, sub, [lineFor('700000001')]);
    const waiting = await risk.atCheckout(await paymentOf(payments, sub, [lineFor('700000002')]));
    await onlyRule(rules, 'checkout_velocity', { maxCheckouts: 1, windowMinutes: 60 }, 'flag');
    const flaggedOnly = await risk.atCheckout(await paymentOf(payments, sub, [lineFor('700000003')]));
    // A checkout refused with its review open waits for nobody: it is listed with the other flags.
    await onlyRule(rules, 'checkout_velocity', { maxCheckouts: 1, windowMinutes: 60 }, 'review');
    const refused = await risk.atCheckout(await paymentOf(payments, sub, [lineFor('700000004')]));
    await payments.transitionPayment(refused._id, 'created', 'failed', 'checkout_refused');
    const queue = await new RiskReviews(payments, async () => {}, new OperatorAudit(db.conn)).flagged();
    const pending = queue.map((p) => p.risk?.review?.status === 'pending' && p.status !== 'failed');
    // Every pending review comes before every other flagged payment.
    expect(pending.indexOf(false)).toBeGreaterThan(pending.lastIndexOf(true));
    const ids = queue.map((p) => p._id);
    expect(ids).toContain(waiting._id);
    // The other flags, most recently flagged first.
    expect(ids.indexOf(refused._id)).toBe(pending.indexOf(false));
    expect(ids.indexOf(flaggedOnly._id)).toBe(pending.indexOf(false) + 1);
    const pendingTimes = queue.filter((p) => p.risk?.review?.status === 'pending').map((p) => +p.createdAt);
    expect(pendingTimes).toEqual([...pendingTimes].sort((a, b) => a - b));
    for (const payment of queue) expect(payment.risk?.flags.every((f) => f.reason.length > 0)).toBe(true);
  });

  it('the defaults apply to rules an operator never changed, each within its own limits', async () => {
    const other = await isolatedMongo('risk_defaults');
    try {
      expect(await new RiskRuleStore(other.conn).all()).toEqual(DEFAULT_RULES);
    } finally {
      await other.drop();
    }
  });
});
