import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForReceipts } from '../../bench/chaos/receipts.js';
import type { Connection } from '../../infra/mongo.js';
import { isolatedMongo } from '../support/isolation.js';

/** The chaos run's receipt check, on hand-made payments and receipts (what the hub stores). */
describe("the chaos run's receipt check", () => {
  let conn: Connection;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('chaos_receipts'));
  });
  afterAll(() => drop?.());

  const notifiedAt = new Date();
  const payment = (id: string, status: string, lineStatus: string) => ({
    _id: id,
    status,
    lines: [{ _id: `${id}-L1`, status: lineStatus }],
  });
  /** A stored receipt, numbered RCT + the id's tail; `told`: its notifiedAt (nobody to tell), or null. */
  const receipt = (id: string, status: string, lineStatus: string, told: Date | null = notifiedAt) => ({
    _id: `RCT${id.slice(3)}`,
    paymentId: id,
    status,
    lines: [{ lineId: `${id}-L1`, status: lineStatus }],
    ...(told ? { notifiedAt: told } : {}),
  });

  it('passes receipts true to their final payments, and names every other kind of problem', async () => {
    const payments = conn.collection('payments');
    const receipts = conn.collection('receipts');
    await payments.insertMany([
      payment('PAY1', 'completed', 'settled'),
      payment('PAY2', 'settling', 'posting'),
    ] as never[]);
    await receipts.insertOne(receipt('PAY1', 'completed', 'settled') as never);
    expect(await waitForReceipts(conn, 0)).toMatchObject({ problems: [] });

    await payments.insertMany([
      payment('PAY3', 'completed', 'settled'), // final, no receipt
      payment('PAY4', 'partially_refunded', 'refunded'), // its receipt says completed and settled
      payment('PAY5', 'settling', 'posting'), // a receipt before the payment is final
      payment('PAY6', 'completed', 'settled'), // its receipt's message is not recorded
      payment('PAY7', 'completed', 'settled'), // its receipt has another number
      payment('PAY8', 'completed', 'settled'), // its message is a delivery record: fine
    ] as never[]);
    await conn
      .collection('notification_deliveries')
      .insertOne({ key: 'payment_confirmed|RCT8|sms', kind: 'payment_confirmed', reference: 'RCT8' } as never);
    await receipts.insertMany([
      receipt('PAY4', 'completed', 'settled'),
      receipt('PAY5', 'completed', 'settled'),
      receipt('PAY6', 'completed', 'settled', null),
      { ...receipt('PAY7', 'completed', 'settled'), _id: 'RCT9' },
      receipt('PAY8', 'completed', 'settled', null),
    ] as never[]);
    const { problems } = await waitForReceipts(conn, 0);
    expect(problems.map((v) => [v.kind, v.paymentId, v.detail])).toEqual([
      ['receipt_mismatch', 'PAY3', 'no receipt stored'],
      ['receipt_mismatch', 'PAY4', 'the receipt says completed, the payment partially_refunded'],
      ['receipt_mismatch', 'PAY4', 'line PAY4-L1: receipt settled, payment refunded'],
      ['receipt_mismatch', 'PAY5', 'a receipt exists for a payment that is settling'],
      ['receipt_mismatch', 'PAY6', 'its message is not recorded'],
      ['receipt_mismatch', 'PAY7', 'the receipt is numbered RCT9'],
    ]);
  });
});
