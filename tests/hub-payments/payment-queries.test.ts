import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentModel } from '../../hub/payments/payment-model.js';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import { OPEN_LINE_STATUSES } from '../../hub/payments/state-machine.js';
import type { Connection } from '../../infra/mongo.js';
import { isolatedMongo } from '../support/isolation.js';
import { capturedPayment, lineOf, newPayment, settlingPayment } from './fixtures.js';

/** Ages a payment and its lines as if a crash had left them an hour ago. */
async function ageByAnHour(conn: Connection, id: string) {
  const past = new Date(Date.now() - 3_600_000);
  await paymentModel(conn).collection.updateOne(
    { _id: id as never },
    { $set: { updatedAt: past, 'lines.$[].changedAt': past } },
  );
}

describe('reading payments', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let store: PaymentStore;
  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('pay_queries'));
    store = new PaymentStore(conn);
    await store.init();
  });
  afterAll(() => drop());

  it("shows a citizen their own payment and never another citizen's", async () => {
    const { payment } = await store.create(newPayment({ citizenSub: 'asha' }));
    expect((await store.findForCitizen(payment._id, 'asha'))?._id).toBe(payment._id);
    expect(await store.findForCitizen(payment._id, 'ravi')).toBeNull();
    expect((await store.listForCitizen('asha')).map((p) => p._id)).toContain(payment._id);
    expect(await store.listForCitizen('ravi')).toEqual([]);
  });

  it('lists a citizen’s payments newest first', async () => {
    const first = (await store.create(newPayment({ citizenSub: 'meena' }))).payment;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = (await store.create(newPayment({ citizenSub: 'meena' }))).payment;
    expect((await store.listForCitizen('meena')).map((p) => p._id)).toEqual([second._id, first._id]);
    expect((await store.listForCitizen('meena', { limit: 1 })).map((p) => p._id)).toEqual([second._id]);
  });
});

describe('finding stuck work for the sweeper', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let store: PaymentStore;
  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('pay_stuck'));
    store = new PaymentStore(conn);
    await store.init();
  });
  afterAll(() => drop());

  it('finds a captured payment whose lines never started, but not a fresh one', async () => {
    const stale = await capturedPayment(store);
    const fresh = await capturedPayment(store);
    await ageByAnHour(conn, stale._id);
    const stuck = await store.findStuck({ olderThanMs: 60_000 });
    expect(stuck.payments.map((p) => p._id)).toContain(stale._id);
    expect(stuck.payments.map((p) => p._id)).not.toContain(fresh._id);
    expect(stuck.lines.map((l) => l.paymentId)).not.toContain(stale._id);
  });

  it('finds a line left posting, and not its settled neighbour nor a recently moved line', async () => {
    const payment = await settlingPayment(store);
    const [posting, settled] = [lineOf(payment, 0), lineOf(payment, 1)];
    await store.transitionLine(payment._id, posting._id, 'pending', 'posting', 'line.posting');
    await store.transitionLine(payment._id, settled._id, 'pending', 'posting', 'line.posting');
    await store.transitionLine(payment._id, settled._id, 'posting', 'settled', 'line.settled');
    expect((await store.findStuck({ olderThanMs: 60_000 })).lines.map((l) => l.lineId)).not.toContain(posting._id);

    await ageByAnHour(conn, payment._id);
    const stuck = await store.findStuck({ olderThanMs: 60_000 });
    const lines = stuck.lines.filter((l) => l.paymentId === payment._id);
    expect(lines).toEqual([
      expect.objectContaining({ lineId: posting._id, status: 'posting', paymentStatus: 'settling' }),
    ]);
    expect(stuck.payments.map((p) => p._id)).not.toContain(payment._id);
  });

  it('ignores payments that are not captured yet or already final', async () => {
    const { payment } = await store.create(newPayment());
    await ageByAnHour(conn, payment._id);
    const stuck = await store.findStuck({ olderThanMs: 60_000 });
    expect(stuck.payments.map((p) => p._id)).not.toContain(payment._id);
    expect(stuck.lines.map((l) => l.paymentId)).not.toContain(payment._id);
  });
});

describe('completing a payment from its lines', () => {
  let drop: () => Promise<void>;
  let store: PaymentStore;
  beforeAll(async () => {
    const mongo = await isolatedMongo('pay_complete');
    drop = mongo.drop;
    store = new PaymentStore(mongo.conn);
    await store.init();
  });
  afterAll(() => drop());

  async function settle(paymentId: string, lineId: string) {
    await store.transitionLine(paymentId, lineId, 'pending', 'posting', 'line.posting');
    return store.transitionLine(paymentId, lineId, 'posting', 'settled', 'line.settled');
  }

  async function refund(paymentId: string, lineId: string) {
    await store.transitionLine(paymentId, lineId, ['pending', 'posting'], 'failed', 'line.failed');
    await store.transitionLine(paymentId, lineId, 'failed', 'refunding', 'refund.requested');
    return store.transitionLine(paymentId, lineId, 'refunding', 'refunded', 'refund.done');
  }

  it('waits while any line is open, and its update re-checks that no line is open', async () => {
    const payment = await settlingPayment(store);
    await settle(payment._id, lineOf(payment, 0)._id);
    expect(await store.settleCompletion(payment._id)).toBeNull();
    expect((await store.findById(payment._id))?.status).toBe('settling');
    // The guard settleCompletion's update carries: no element of lines may be open.
    const noOpenLine = { _id: payment._id, 'lines.status': { $nin: OPEN_LINE_STATUSES } };
    expect(await store.model.countDocuments(noOpenLine)).toBe(0);
    await settle(payment._id, lineOf(payment, 1)._id);
    expect(await store.model.countDocuments(noOpenLine)).toBe(1);
  });

  it('completes a payment whose lines all settled, exactly once among concurrent callers', async () => {
    const payment = await settlingPayment(store);
    for (const line of payment.lines) await settle(payment._id, line._id);
    const results = await Promise.all(Array.from({ length: 10 }, () => store.settleCompletion(payment._id)));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    const stored = await store.findById(payment._id);
    expect(stored?.status).toBe('completed');
    expect(stored?.timeline.filter((e) => e.to === 'completed')).toHaveLength(1);
  });

  it('marks a payment partially refunded when one line settled and the other was refunded', async () => {
    const payment = await settlingPayment(store);
    await settle(payment._id, lineOf(payment, 0)._id);
    await refund(payment._id, lineOf(payment, 1)._id);
    expect((await store.settleCompletion(payment._id))?.status).toBe('partially_refunded');
  });

  it('refunds a captured payment whose every line was refunded before settlement began', async () => {
    const payment = await capturedPayment(store);
    for (const line of payment.lines) await refund(payment._id, line._id);
    expect((await store.settleCompletion(payment._id))?.status).toBe('refunded');
  });
});
