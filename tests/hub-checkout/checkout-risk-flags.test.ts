import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Payment } from '../../hub/payments/index.js';
import { RiskRuleStore } from '../../hub/risk/risk-rule-store.js';
import { onlyRule } from '../hub-risk/fixtures.js';
import { countWrites } from '../hub-settlement/count-writes.js';
import { type CheckoutHarness, refusal, startCheckoutHarness } from './harness.js';

const COLLECTIONS = ['payments', 'bill_claims', 'risk_activity', 'risk_meta'];

/** The velocity rule alone, at its lowest limit: a citizen's second checkout within the hour fires it. */
async function velocityFires(rules: RiskRuleStore, action: 'flag' | 'review'): Promise<void> {
  await onlyRule(rules, 'checkout_velocity', { maxCheckouts: 1, windowMinutes: 60 }, action);
}

const riskEvents = (payment: Payment) =>
  payment.timeline.filter((e) => e.event === 'risk.flagged' || e.event === 'order_created').map((e) => e.event);

describe('the checkout risk rules and the move to awaiting_payment', () => {
  let h: CheckoutHarness;
  let rules: RiskRuleStore;
  let citizen: string;

  beforeAll(async () => {
    h = await startCheckoutHarness('checkout_risk_flags');
    rules = new RiskRuleStore(h.conn);
  });

  afterAll(async () => {
    await h?.close();
  });

  // Each test's citizen has made one checkout already (which also copies their history in once).
  beforeEach(async () => {
    citizen = `citizen-${h.consumer()}`;
    await onlyRule(rules, 'checkout_velocity', { maxCheckouts: 100, windowMinutes: 60 });
    await h.run(h.body(h.consumer()), undefined, citizen);
  });

  it('writes flag-only hits with the move to awaiting_payment: the same writes as an unflagged checkout', async () => {
    await velocityFires(rules, 'flag');
    const { result, writes } = await countWrites(COLLECTIONS, () => h.run(h.body(h.consumer()), undefined, citizen));
    expect(writes).toEqual([
      'payments.insertMany', // the new payment (one document, inserted lean)
      'risk_activity.bulkWrite', // the citizen's and the consumers' activity, one command
      'bill_claims.insertMany',
      'payments.findOneAndUpdate', // created → awaiting_payment, the order and the flag
    ]);
    const payment = await h.reload(result.payment._id);
    expect(payment.status).toBe('awaiting_payment');
    expect(payment.gateway?.checkoutUrl).toBe(result.checkoutUrl);
    expect(payment.risk?.flags.map((f) => [f.rule, f.stage, f.action])).toEqual([
      ['checkout_velocity', 'checkout', 'flag'],
    ]);
    expect(payment.risk?.flaggedAt).toBeInstanceOf(Date);
    expect(payment.risk?.review).toBeUndefined();
    expect(riskEvents(payment)).toEqual(['order_created', 'risk.flagged']);
    expect(payment.timeline.find((e) => e.event === 'risk.flagged')?.detail).toMatch(/^checkout_velocity: /);
    // The answer the citizen got is the payment as written, flag included.
    expect(result.payment.risk?.flags).toHaveLength(1);
  });

  it('opens a review before the gateway order exists, so no capture can outrun it', async () => {
    await velocityFires(rules, 'review');
    let seenAtOrder: Payment | undefined;
    h.afterNextOrder(async (input) => {
      seenAtOrder = await h.reload(input.paymentId);
    });
    const { payment } = await h.run(h.body(h.consumer()), undefined, citizen);
    expect(seenAtOrder?.status).toBe('created');
    expect(seenAtOrder?.risk?.review?.status).toBe('pending');
    const after = await h.reload(payment._id);
    expect(after.status).toBe('awaiting_payment');
    expect(after.risk?.flags.map((f) => f.action)).toEqual(['review']);
    expect(riskEvents(after)).toEqual(['risk.flagged', 'order_created']);
  });

  it('records flag-only hits on their own when the gateway is down, once, and the retry opens the payment', async () => {
    await velocityFires(rules, 'flag');
    const body = h.body(h.consumer());
    const key = `key-${h.consumer()}`;
    h.setGatewayDown(true);
    try {
      expect((await refusal(h.run(body, key, citizen))).status).toBe(503);
    } finally {
      h.setGatewayDown(false);
    }
    const stalled = await h.payments.model.findOne({ citizenSub: citizen, idempotencyKey: key }).lean<Payment>();
    expect(stalled?.status).toBe('created');
    expect(stalled?.risk?.flags.map((f) => f.rule)).toEqual(['checkout_velocity']);

    const retried = await h.run(body, key, citizen);
    expect(retried.payment._id).toBe(stalled?._id);
    const opened = await h.reload(retried.payment._id);
    expect(opened.status).toBe('awaiting_payment');
    expect(opened.risk?.flags).toHaveLength(1);
    expect(riskEvents(opened)).toEqual(['risk.flagged', 'order_created']);
  });

  it('records flag-only hits on a checkout that lapsed while its order was made', async () => {
    await velocityFires(rules, 'flag');
    h.afterNextOrder(async (input) => {
      await h.payments.model.updateOne({ _id: input.paymentId }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    });
    const closed = await refusal(h.run(h.body(h.consumer()), undefined, citizen));
    expect(closed).toMatchObject({ status: 410, code: 'checkout_closed' });
    const lapsed = await h.reload(String(closed.details.paymentId));
    expect(lapsed.status).toBe('created');
    expect(lapsed.gateway?.orderId).toBeDefined();
    expect(lapsed.risk?.flags.map((f) => f.rule)).toEqual(['checkout_velocity']);
  });

  it('with no rule firing, the move writes no risk fields', async () => {
    await onlyRule(rules, 'checkout_velocity', { maxCheckouts: 100, windowMinutes: 60 });
    const { payment } = await h.run(h.body(h.consumer()), undefined, citizen);
    const opened = await h.reload(payment._id);
    expect(opened.status).toBe('awaiting_payment');
    expect(opened.risk?.flags ?? []).toEqual([]);
    expect(opened.risk?.flaggedAt).toBeUndefined();
  });
});
