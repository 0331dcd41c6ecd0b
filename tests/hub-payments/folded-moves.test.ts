import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../hub/payments/payment-model.js';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import { riskMarksOf } from '../../hub/risk/risk-state.js';
import { countWrites } from '../hub-settlement/count-writes.js';
import { isolatedMongo } from '../support/isolation.js';
import { lineOf, newLine, newPayment } from './fixtures.js';

const EVENTS = { captured: 'payment_captured', settling: 'settlement_started' };
const GATEWAY = { orderId: 'order_1', method: 'upi', capturedMinor: 150_000, capturedCurrency: 'INR' } as const;

describe('two moves that always follow each other, made in one conditional update', () => {
  let drop: () => Promise<void>;
  let store: PaymentStore;
  beforeAll(async () => {
    const mongo = await isolatedMongo('pay_folded_moves');
    drop = mongo.drop;
    store = new PaymentStore(mongo.conn);
    await store.init();
  });
  afterAll(() => drop());

  const threeLines = () => ({
    lines: [
      newLine({ billNumber: 'A', amountMinor: 50_000 }),
      newLine({ billNumber: 'B', amountMinor: 50_000 }),
      newLine({ billNumber: 'C', amountMinor: 50_000 }),
    ],
  });

  async function awaitingPayment(): Promise<Payment> {
    const { payment } = await store.create(newPayment(threeLines()));
    const awaiting = await store.transitionPayment(payment._id, 'created', 'awaiting_payment', 'order_created', {
      gateway: { orderId: GATEWAY.orderId },
    });
    if (!awaiting) throw new Error('not awaiting payment');
    return awaiting;
  }

  describe('captureAndSettle: awaiting_payment → captured → settling', () => {
    it('captures, starts settlement and moves every line to posting with one attempt, in one write with each move on the timeline', async () => {
      const awaiting = await awaitingPayment();
      const { result: settling, writes } = await countWrites(['payments'], () =>
        store.captureAndSettle(awaiting, GATEWAY, EVENTS),
      );
      expect(writes).toEqual(['payments.findOneAndUpdate']);
      expect(settling?.status).toBe('settling');
      expect(settling?.gateway).toMatchObject(GATEWAY);
      expect(settling?.lines.map((l) => [l.status, l.attempts])).toEqual([
        ['posting', 1],
        ['posting', 1],
        ['posting', 1],
      ]);
      const moves = settling?.timeline.slice(-5) ?? [];
      expect(moves.map((e) => [e.event, e.from, e.to, e.lineId])).toEqual([
        ['payment_captured', 'awaiting_payment', 'captured', undefined],
        ['settlement_started', 'captured', 'settling', undefined],
        ...awaiting.lines.map((l) => ['settlement.posting', 'pending', 'posting', l._id]),
      ]);
    });

    it('changes nothing for a payment no longer awaiting payment (expired, or captured by another event)', async () => {
      const awaiting = await awaitingPayment();
      await store.model.updateOne({ _id: awaiting._id }, { $set: { expiresAt: new Date(Date.now() - 1_000) } });
      await store.transitionPayment(awaiting._id, 'awaiting_payment', 'expired', 'checkout_expired');
      expect(await store.captureAndSettle(awaiting, GATEWAY, EVENTS)).toBeNull();
      const stored = await store.findById(awaiting._id);
      expect(stored?.status).toBe('expired');
      expect(stored?.lines.map((l) => l.status)).toEqual(['pending', 'pending', 'pending']);
    });

    it('changes nothing when a line it saw pending has moved, so the timeline never claims a move', async () => {
      const awaiting = await awaitingPayment();
      // As a line can only move once the payment is captured, the one seen pending is named by a stale copy.
      const stale = { ...awaiting, lines: [...awaiting.lines, { ...lineOf(awaiting, 0), _id: 'LIN_not_there' }] };
      expect(await store.captureAndSettle(stale, GATEWAY, EVENTS)).toBeNull();
      expect((await store.findById(awaiting._id))?.status).toBe('awaiting_payment');
    });

    it('only one of ten racing captures wins, and each line is counted once', async () => {
      const awaiting = await awaitingPayment();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.captureAndSettle(awaiting, GATEWAY, EVENTS)),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      const stored = await store.findById(awaiting._id);
      expect(stored?.lines.map((l) => l.attempts)).toEqual([1, 1, 1]);
      expect(stored?.timeline.filter((e) => e.to === 'captured')).toHaveLength(1);
      expect(stored?.timeline.filter((e) => e.to === 'settling')).toHaveLength(1);
    });
  });

  describe('openCheckout: created → awaiting_payment with the checkout flags', () => {
    const ORDER = { orderId: 'order_open', checkoutUrl: 'https://gateway.example/pay/order_open' };
    const flagOnly = () =>
      riskMarksOf([{ rule: 'checkout_velocity', reason: '2 checkouts', action: 'flag' }], 'checkout', new Date());

    it('records the order and the flags in one write', async () => {
      const { payment } = await store.create(newPayment(threeLines()));
      const { result, writes } = await countWrites(['payments'], () =>
        store.openCheckout(payment._id, ORDER, flagOnly()),
      );
      expect(writes).toEqual(['payments.findOneAndUpdate']);
      expect(result.flagged).toBe(true);
      expect(result.payment?.status).toBe('awaiting_payment');
      expect(result.payment?.gateway).toMatchObject(ORDER);
      expect(result.payment?.risk?.flags.map((f) => [f.rule, f.stage])).toEqual([['checkout_velocity', 'checkout']]);
      expect(result.payment?.timeline.slice(-2).map((e) => [e.event, e.from, e.to])).toEqual([
        ['order_created', 'created', 'awaiting_payment'],
        ['risk.flagged', undefined, undefined],
      ]);
    });

    it('opens a payment already flagged at checkout without flagging it twice', async () => {
      const { payment } = await store.create(newPayment(threeLines()));
      const first = await store.openCheckout(payment._id, ORDER, flagOnly());
      expect(first.flagged).toBe(true);
      await store.model.updateOne({ _id: payment._id }, { $set: { status: 'created' } });
      const again = await store.openCheckout(payment._id, ORDER, flagOnly());
      expect(again.flagged).toBe(false);
      expect(again.payment?.status).toBe('awaiting_payment');
      expect(again.payment?.risk?.flags).toHaveLength(1);
    });

    it('moves nothing on a lapsed payment, and refuses to fold a review', async () => {
      const { payment } = await store.create(newPayment({ ...threeLines(), ttlMs: 1 }));
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await store.openCheckout(payment._id, ORDER, flagOnly())).toEqual({ payment: null, flagged: false });
      expect((await store.findById(payment._id))?.risk?.flags ?? []).toEqual([]);
      const review = riskMarksOf(
        [{ rule: 'amount_above_history', reason: 'x', action: 'review' }],
        'checkout',
        new Date(),
      );
      await expect(store.openCheckout(payment._id, ORDER, review)).rejects.toThrow(TypeError);
    });
  });
  describe('settleAccepted: the accepted lines posting → settled, and the completion when they were the last', () => {
    async function posting(): Promise<Payment> {
      const awaiting = await awaitingPayment();
      const settling = await store.captureAndSettle(awaiting, GATEWAY, EVENTS);
      if (!settling) throw new Error('not settling');
      return settling;
    }

    it('settles every line with its own biller fields and completes the payment, in one write', async () => {
      const settling = await posting();
      const accepted = settling.lines.map((l, i) => ({
        lineId: l._id,
        changes: { billerReference: `B-${i}`, billerStatus: 'SUCCESS' },
      }));
      const { result: done, writes } = await countWrites(['payments'], () => store.settleAccepted(settling, accepted));
      expect(writes).toEqual(['payments.findOneAndUpdate']);
      expect(done?.status).toBe('completed');
      expect(done?.lines.map((l) => [l.status, l.billerReference, l.billerStatus])).toEqual([
        ['settled', 'B-0', 'SUCCESS'],
        ['settled', 'B-1', 'SUCCESS'],
        ['settled', 'B-2', 'SUCCESS'],
      ]);
      expect(done?.timeline.slice(-4).map((e) => [e.event, e.from, e.to])).toEqual([
        ['settlement.settled', 'posting', 'settled'],
        ['settlement.settled', 'posting', 'settled'],
        ['settlement.settled', 'posting', 'settled'],
        ['payment.completed', 'settling', 'completed'],
      ]);
    });

    it('leaves the payment settling while a line is open, and completes it as partially refunded after a refund', async () => {
      const settling = await posting();
      const [first, second, third] = settling.lines.map((l) => l._id) as [string, string, string];
      const some = await store.settleAccepted(settling, [{ lineId: first, changes: {} }]);
      expect(some?.status).toBe('settling');
      expect(some?.lines.map((l) => l.status)).toEqual(['settled', 'posting', 'posting']);

      await store.transitionLine(settling._id, second, 'posting', 'failed', 'settlement.failed');
      await store.transitionLine(settling._id, second, 'failed', 'refunding', 'refund.started');
      const refunded = await store.transitionLine(settling._id, second, 'refunding', 'refunded', 'refund.completed');
      if (!refunded) throw new Error('not refunded');
      const done = await store.settleAccepted(refunded, [{ lineId: third, changes: {} }]);
      expect(done?.status).toBe('partially_refunded');
    });

    it('changes nothing when a line it saw posting has moved, and refuses a line it did not see posting', async () => {
      const settling = await posting();
      const [first, second] = settling.lines.map((l) => l._id) as [string, string];
      await store.transitionLine(settling._id, second, 'posting', 'unknown', 'settlement.unknown');
      const accepted = [
        { lineId: first, changes: {} },
        { lineId: second, changes: {} },
      ];
      expect(await store.settleAccepted(settling, accepted)).toBeNull();
      expect((await store.findById(settling._id))?.lines.map((l) => l.status)).toEqual([
        'posting',
        'unknown',
        'posting',
      ]);
      const now = (await store.findById(settling._id)) as Payment;
      expect(() => store.settleAccepted(now, accepted)).toThrow(TypeError);
    });

    it('refuses a biller field the schema would refuse, storing nothing', async () => {
      const settling = await posting();
      const [first] = settling.lines.map((l) => l._id) as [string];
      const bad = [{ lineId: first, changes: { billerReference: 42 as unknown as string } }];
      expect(() => store.settleAccepted(settling, bad)).toThrow(/invalid payment: lines.billerReference/);
      expect((await store.findById(settling._id))?.lines[0]?.status).toBe('posting');
    });
  });
});
