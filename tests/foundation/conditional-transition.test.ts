import { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../infra/mongo.js';
import { transition } from '../../infra/state-transition.js';
import { isolatedMongo } from '../support/isolation.js';

interface Payment {
  status: string;
  expiresAt?: Date;
  timeline: { status: string; by: number }[];
}

const paymentSchema = new Schema<Payment>({
  status: { type: String, required: true },
  expiresAt: Date,
  timeline: [{ _id: false, status: String, by: Number }],
});

describe('a conditional single-document state transition', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('transition'));
  });
  afterAll(() => drop());

  it('succeeds exactly once among 20 concurrent attempts', async () => {
    const Payment = conn.model<Payment>('Payment', paymentSchema);
    const payment = await Payment.create({ status: 'awaiting_payment', timeline: [] });

    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, by) =>
        transition(Payment, payment._id, 'awaiting_payment', 'captured', {
          update: { $push: { timeline: { status: 'captured', by } } },
        }),
      ),
    );

    const winners = attempts.filter((doc) => doc !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]?.status).toBe('captured');
    const stored = await Payment.findById(payment._id).lean();
    expect(stored?.status).toBe('captured');
    expect(stored?.timeline).toHaveLength(1);
  });

  it('does not move a document that is no longer in the expected state', async () => {
    const Payment = conn.model<Payment>('Payment');
    const payment = await Payment.create({ status: 'captured', timeline: [] });
    expect(await transition(Payment, payment._id, 'awaiting_payment', 'failed')).toBeNull();
    expect(await transition(Payment, payment._id, ['awaiting_payment', 'captured'], 'settling')).not.toBeNull();
    expect((await Payment.findById(payment._id))?.status).toBe('settling');
  });

  it('enforces expiry in the query itself', async () => {
    const Payment = conn.model<Payment>('Payment');
    const expired = await Payment.create({ status: 'awaiting_payment', expiresAt: new Date(Date.now() - 1000) });
    const live = await Payment.create({ status: 'awaiting_payment', expiresAt: new Date(Date.now() + 60_000) });
    const notExpired = { expiresAt: { $gt: new Date() } };
    expect(await transition(Payment, expired._id, 'awaiting_payment', 'captured', { where: notExpired })).toBeNull();
    expect(await transition(Payment, live._id, 'awaiting_payment', 'captured', { where: notExpired })).not.toBeNull();
  });
});
