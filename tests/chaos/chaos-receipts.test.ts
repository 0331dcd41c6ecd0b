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
  const payment = (id: string, status: string, lineStatus: string, receiptId?: string) => ({
    _id: id,
    status,
    lines: [{ _id: `${id}-L1`, status: lineStatus }],
    ...(receiptId ? { receipt: { receiptId, issuedAt: notifiedAt, notifiedAt } } : {}),
  });
  const receipt = (id: string, status: string, lineStatus: string) => ({
    _id: `RCT${id}`,
    paymentId: id,
    status,
    lines: [{ lineId: `${id}-L1`, status: lineStatus }],
  });

  it('passes receipts true to their final payments, and names every other kind of problem', async () => {
    const payments = conn.collection('payments');
    const receipts = conn.collection('receipts');
    await payments.insertMany([
      payment('P1', 'completed', 'settled', 'RCTP1'),
      payment('P2', 'settling', 'posting'),
    ] as never[]);
    await receipts.insertOne(receipt('P1', 'completed', 'settled') as never);
    expect(await waitForReceipts(conn, 0)).toMatchObject({ problems: [] });

    await payments.insertMany([
      payment('P3', 'completed', 'settled'), // final, no receipt, nothing recorded
      payment('P4', 'partially_refunded', 'refunded', 'RCTP4'), // its receipt says completed and settled
      payment('P5', 'settling', 'posting'), // a receipt before the payment is final
    ] as never[]);
    await receipts.insertMany([
      receipt('P4', 'completed', 'settled'),
      receipt('P5', 'completed', 'settled'),
    ] as never[]);
    const { problems } = await waitForReceipts(conn, 0);
    expect(problems.map((v) => [v.kind, v.paymentId, v.detail])).toEqual([
      ['receipt_mismatch', 'P3', 'no receipt stored'],
      ['receipt_mismatch', 'P4', 'the receipt says completed, the payment partially_refunded'],
      ['receipt_mismatch', 'P4', 'line P4-L1: receipt settled, payment refunded'],
      ['receipt_mismatch', 'P5', 'a receipt exists for a payment that is settling'],
    ]);
  });
});
