import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentModel } from '../../hub/payments/payment-model.js';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import { hashRequest } from '../../hub/payments/request-hash.js';
import { ConflictError } from '../../infra/errors.js';
import type { Connection } from '../../infra/mongo.js';
import { isolatedMongo } from '../support/isolation.js';
import { newLine, newPayment } from './fixtures.js';

describe('creating a payment with an idempotency key', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let store: PaymentStore;
  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('pay_idem'));
    store = new PaymentStore(conn);
    await store.init();
  });
  afterAll(() => drop());

  it('returns the same payment, flagged as not created, for the same key and body', async () => {
    const input = newPayment();
    const first = await store.create(input);
    const again = await store.create({ ...input });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.payment._id).toBe(first.payment._id);
    expect(again.payment.lines.map((l) => l.reference)).toEqual(first.payment.lines.map((l) => l.reference));
    expect(await paymentModel(conn).countDocuments({ citizenSub: input.citizenSub })).toBe(1);
  });

  it('refuses the same key with another body with a ConflictError, changing nothing', async () => {
    const input = newPayment();
    const first = await store.create(input);
    const otherLines = [newLine({ amountMinor: 1 })];
    const error = await store
      .create({ ...input, lines: otherLines, requestHash: hashRequest({ lines: otherLines }) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).status).toBe(409);
    const stored = await paymentModel(conn).find({ citizenSub: input.citizenSub }).lean();
    expect(stored.map((p) => p._id)).toEqual([first.payment._id]);
    expect(stored[0]?.totalMinor).toBe(first.payment.totalMinor);
  });

  it('creates exactly one payment among 20 concurrent identical creates', async () => {
    const input = newPayment();
    const results = await Promise.all(Array.from({ length: 20 }, () => store.create({ ...input })));
    expect(new Set(results.map((r) => r.payment._id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await paymentModel(conn).countDocuments({ citizenSub: input.citizenSub })).toBe(1);
  });

  it('lets the same key create separate payments for different citizens', async () => {
    const input = newPayment();
    const mine = await store.create(input);
    const theirs = await store.create({ ...input, citizenSub: 'someone-else' });
    expect(theirs.created).toBe(true);
    expect(theirs.payment._id).not.toBe(mine.payment._id);
  });

  it('hashes the same body the same whatever its key order', () => {
    expect(hashRequest({ a: 1, b: { c: 2, d: [3, 4] } })).toBe(hashRequest({ b: { d: [3, 4], c: 2 }, a: 1 }));
    expect(hashRequest({ a: 1 })).not.toBe(hashRequest({ a: 2 }));
  });

  it('never gives two lines the same posting reference, enforced by a unique index', async () => {
    const { payment } = await store.create(newPayment());
    const reused = newPayment();
    const { payment: other } = await store.create(reused);
    const error = await paymentModel(conn)
      .updateOne({ _id: other._id }, { $set: { 'lines.0.reference': payment.lines[0]?.reference } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
  });
});
