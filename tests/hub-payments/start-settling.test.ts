import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import { countWrites } from '../hub-settlement/count-writes.js';
import { isolatedMongo } from '../support/isolation.js';
import { capturedPayment, lineOf, newLine } from './fixtures.js';

describe("the move to settling takes the payment's pending lines to posting", () => {
  let drop: () => Promise<void>;
  let store: PaymentStore;
  beforeAll(async () => {
    const mongo = await isolatedMongo('pay_start_settling');
    drop = mongo.drop;
    store = new PaymentStore(mongo.conn);
    await store.init();
  });
  afterAll(() => drop());

  const threeLines = () => ({
    lines: [newLine({ billNumber: 'A' }), newLine({ billNumber: 'B' }), newLine({ billNumber: 'C' })],
  });

  it('moves the payment to settling and every pending line to posting with one attempt counted, in one write', async () => {
    const captured = await capturedPayment(store, threeLines());
    const { result: settling, writes } = await countWrites(['payments'], () =>
      store.startSettling(captured, 'settlement_started'),
    );
    expect(writes).toEqual(['payments.findOneAndUpdate']);
    expect(settling?.status).toBe('settling');
    expect(settling?.lines.map((l) => [l.status, l.attempts])).toEqual([
      ['posting', 1],
      ['posting', 1],
      ['posting', 1],
    ]);
    const moves = settling?.timeline.filter((e) => e.to === 'posting' || e.to === 'settling') ?? [];
    expect(moves.map((e) => [e.event, e.from, e.to, e.lineId])).toEqual([
      ['settlement_started', 'captured', 'settling', undefined],
      ...(settling?.lines ?? []).map((l) => ['settlement.posting', 'pending', 'posting', l._id]),
    ]);
  });

  it('changes nothing when a line it saw pending has moved meanwhile, so the timeline never claims a move', async () => {
    const captured = await capturedPayment(store, threeLines());
    const moved = lineOf(captured, 1);
    await store.transitionLine(captured._id, moved._id, 'pending', 'failed', 'bill_already_paid');

    expect(await store.startSettling(captured, 'settlement_started')).toBeNull();
    const stored = await store.findById(captured._id);
    expect(stored?.status).toBe('captured');
    expect(stored?.lines.map((l) => l.status)).toEqual(['pending', 'failed', 'pending']);
  });

  it('leaves a failed line alone and moves only the pending ones', async () => {
    const captured = await capturedPayment(store, threeLines());
    await store.transitionLine(captured._id, lineOf(captured, 0)._id, 'pending', 'failed', 'bill_already_paid');
    const fresh = await store.findById(captured._id);
    if (!fresh) throw new Error('no payment');
    const settling = await store.startSettling(fresh, 'settlement_started');
    expect(settling?.lines.map((l) => [l.status, l.attempts])).toEqual([
      ['failed', 0],
      ['posting', 1],
      ['posting', 1],
    ]);
  });

  it('only one of ten racing moves to settling wins, and each line is counted once', async () => {
    const captured = await capturedPayment(store, threeLines());
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.startSettling(captured, 'settlement_started')),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    const stored = await store.findById(captured._id);
    expect(stored?.lines.map((l) => l.attempts)).toEqual([1, 1, 1]);
    expect(stored?.timeline.filter((e) => e.to === 'settling')).toHaveLength(1);
  });

  it('completes from the payment in hand without reading it again, and writes nothing for one already final', async () => {
    const captured = await capturedPayment(store, { lines: [newLine()] });
    const settling = await store.startSettling(captured, 'settlement_started');
    const line = lineOf(settling, 0);
    const settled = await store.transitionLine(captured._id, line._id, 'posting', 'settled', 'settlement.settled');
    if (!settled) throw new Error('not settled');
    const { result: done, writes } = await countWrites(['payments'], () =>
      store.settleCompletion(captured._id, settled),
    );
    expect(done?.status).toBe('completed');
    expect(writes).toEqual(['payments.findOneAndUpdate']);
    const again = await countWrites(['payments'], () => store.settleCompletion(captured._id, done ?? settled));
    expect(again.result).toBeNull();
    expect(again.writes).toEqual([]);
  });
});
