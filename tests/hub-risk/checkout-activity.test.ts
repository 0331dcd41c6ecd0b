import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentStore } from '../../hub/payments/payment-store.js';
import type { CitizenActivityDoc } from '../../hub/risk/citizen-activity.js';
import type { RiskCheck } from '../../hub/risk/risk-check.js';
import { RiskRuleStore, RULES_CACHE_MS } from '../../hub/risk/risk-rule-store.js';
import { checkedOut, lineFor, onlyRule, paymentOf, settledPayment } from './fixtures.js';
import { type RiskTestBed, riskTestBed } from './support/risk-test-bed.js';

/** One payments-collection query seen through mongoose's debug hook: its method and filter. */
interface SeenQuery {
  method: string;
  filter: Record<string, unknown>;
}

/**
 * The checkout rules read the citizen's and the consumers' activity documents (by their unique
 * keys), not the payments collection: the cost of a checkout does not grow with the payments the
 * hub holds, and the rules give the same answers.
 */
describe('checkout rules read activity kept per citizen and per consumer', () => {
  let db: RiskTestBed['db'];
  let payments: PaymentStore;
  let rules: RiskRuleStore;
  let risk: RiskCheck;
  const seen: SeenQuery[] = [];
  /** The methods called on risk_activity, in order. */
  const activityCalls: string[] = [];
  const citizen = () => `citizen-${randomUUID()}`;

  beforeAll(async () => {
    ({ db, payments, rules, risk } = await riskTestBed('risk_activity'));
    db.conn.set('debug', (collection: string, method: string, filter: unknown) => {
      if (collection === 'payments') seen.push({ method, filter: (filter ?? {}) as Record<string, unknown> });
      if (collection === 'risk_activity') activityCalls.push(method);
    });
  });
  afterAll(async () => {
    db?.conn.set('debug', false);
    await db?.drop();
  });

  it('a checkout of a known citizen asks the payments collection only by _id, whatever it holds', async () => {
    await onlyRule(rules, 'checkout_velocity', { maxCheckouts: 2, windowMinutes: 60 });
    const sub = citizen();
    // The first checkout seeds the citizen's activity (and the consumers' history) once.
    await checkedOut(risk, payments, sub, [lineFor('800000001')]);
    // Other citizens' payments: the collection grows, the checkout's queries do not.
    for (let i = 0; i < 20; i++) await paymentOf(payments, citizen(), [lineFor(`8100000${10 + i}`)]);
    await checkedOut(risk, payments, sub, [lineFor('800000002')]);

    seen.length = 0;
    const third = await checkedOut(risk, payments, sub, [lineFor('800000003')]);
    expect(third.risk?.flags.map((f) => f.rule)).toEqual(['checkout_velocity']);
    const reads = seen.filter((q) => q.method.startsWith('find') && q.method !== 'findOneAndUpdate');
    expect(reads.length).toBeGreaterThan(0);
    for (const query of reads) expect(Object.keys(query.filter)).toEqual(['_id']);
  });

  it('a failed payment that is captured later stops counting as a failure', async () => {
    await onlyRule(rules, 'citizen_failures', { maxFailures: 1, windowMinutes: 60 });
    const sub = citizen();
    const first = await checkedOut(risk, payments, sub, [lineFor('820000001')]);
    const second = await checkedOut(risk, payments, sub, [lineFor('820000002')]);
    for (const p of [first, second]) await payments.transitionPayment(p._id, 'created', 'failed', 'payment_failed');
    const flagged = await checkedOut(risk, payments, sub, [lineFor('820000003')]);
    expect(flagged.risk?.flags.map((f) => f.rule)).toEqual(['citizen_failures']);

    // A late capture: the gateway took the money after all, so it is no longer a failed payment.
    await payments.transitionPayment(first._id, 'failed', 'captured', 'payment_captured');
    const after = await checkedOut(risk, payments, sub, [lineFor('820000004')]);
    expect(after.risk).toBeUndefined();
  });

  it("a consumer's line settled after its checkout counts in its history at the next checkout", async () => {
    await onlyRule(rules, 'amount_above_history', { multiplier: 3, minHistory: 2 }, 'review');
    const consumer = '830000001';
    await settledPayment(payments, citizen(), [lineFor(consumer, 10_000)], risk);
    await settledPayment(payments, citizen(), [lineFor(consumer, 12_000)], risk);
    // A payment that failed (its line never settled) is not history.
    const refused = await checkedOut(risk, payments, citizen(), [lineFor(consumer, 900_000)]);
    await payments.transitionPayment(refused._id, 'created', 'failed', 'payment_failed');
    const above = await checkedOut(risk, payments, citizen(), [lineFor(consumer, 33_001)]);
    expect(above.risk?.flags.map((f) => f.rule)).toEqual(['amount_above_history']);
    expect(above.risk?.flags[0]?.reason).toMatch(/median ₹110\.00 of its 2 settled payments/);
  });

  it("entries that can no longer count are removed in the citizen's next checkout's one bulk write, never in a write of their own", async () => {
    await onlyRule(rules, 'citizen_failures', { maxFailures: 100, windowMinutes: 60 });
    const sub = citizen();
    const activity = () =>
      db.conn
        .collection<CitizenActivityDoc>('risk_activity')
        .findOne({ _id: `citizen|${sub}` }) as Promise<CitizenActivityDoc>;
    const checkout = async (consumer: string) => {
      activityCalls.length = 0;
      const result = await checkedOut(risk, payments, sub, [lineFor(consumer)]);
      // The one write and the one read back; no updateOne of a cleanup.
      expect(activityCalls).toEqual(['bulkWrite', 'find']);
      return result;
    };
    // Nine checkouts, each cancelled before the next: payments that can never fail again. The first
    // seeds the citizen's document (one more write, once).
    const made = [];
    for (let i = 0; i < 9; i++) {
      const payment =
        i === 0 ? await checkedOut(risk, payments, sub, [lineFor('850000000')]) : await checkout(`85000000${i}`);
      expect(
        await payments.transitionPayment(payment._id, 'created', 'cancelled', 'checkout_superseded'),
      ).not.toBeNull();
      made.push(payment._id);
    }
    // The ninth found eight done: they go with the tenth checkout's write.
    expect((await activity()).open.map((e) => e.p)).toEqual(made);
    const tenth = await checkout('850000009');
    expect((await activity()).open.map((e) => e.p)).toEqual([made[8], tenth._id]);
    expect((await activity()).checkouts).toHaveLength(10);

    // Out of the longest window (30 days): pulled by date in the next checkout's same bulk write.
    const monthAgo = new Date(Date.now() - 31 * 24 * 3600_000);
    await db.conn
      .collection('risk_activity')
      .updateOne(
        { _id: `citizen|${sub}` as never },
        { $set: { 'checkouts.0.at': monthAgo, 'checkouts.1.at': monthAgo } },
      );
    const eleventh = await checkout('850000010');
    expect((await activity()).checkouts.map((e) => e.p)).toEqual([...made.slice(2), tenth._id, eleventh._id]);
  });

  it('a citizen whose activity document was lost is seeded again from their payments', async () => {
    await onlyRule(rules, 'checkout_velocity', { maxCheckouts: 2, windowMinutes: 60 });
    const sub = citizen();
    await checkedOut(risk, payments, sub, [lineFor('840000001')]);
    await checkedOut(risk, payments, sub, [lineFor('840000002')]);
    await db.conn.collection('risk_activity').deleteOne({ _id: `citizen|${sub}` as never });
    const third = await checkedOut(risk, payments, sub, [lineFor('840000003')]);
    expect(third.risk?.flags[0]?.reason).toBe('3 checkouts by this citizen in the last 60 minutes (the limit is 2).');
  });

  it('rules are read once per cache period; a saved change applies to the next checkout at once', async () => {
    let now = 1_000_000;
    const clocked = new RiskRuleStore(db.conn, () => now);
    await onlyRule(clocked, 'checkout_velocity', { maxCheckouts: 2, windowMinutes: 60 });
    expect((await clocked.all()).checkout_velocity.params.maxCheckouts).toBe(2);
    // Saved through the store (the operator's PUT in this process): seen at once.
    await onlyRule(clocked, 'checkout_velocity', { maxCheckouts: 7, windowMinutes: 60 });
    expect((await clocked.all()).checkout_velocity.params.maxCheckouts).toBe(7);
    // Changed by another process: seen once the cached copy is older than RULES_CACHE_MS.
    await db.conn
      .collection('risk_rules')
      .updateOne({ _id: 'checkout_velocity' as never }, { $set: { 'params.maxCheckouts': 9 } });
    expect((await clocked.all()).checkout_velocity.params.maxCheckouts).toBe(7);
    now += RULES_CACHE_MS;
    expect((await clocked.all()).checkout_velocity.params.maxCheckouts).toBe(9);
  });
});
