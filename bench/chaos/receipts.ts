import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from 'mongoose';
import type { Violation } from './checker.js';

/** Payment statuses whose receipt is due (hub/payments: FINAL_PAYMENT_STATUSES). */
const FINAL = ['completed', 'partially_refunded', 'refunded'];

interface ReceiptState {
  _id: string;
  receipt?: { receiptId?: string; notifiedAt?: Date };
}

/** The final payments whose receipt is not stored, or whose message is not recorded as sent, now. */
async function missingReceipts(conn: Connection): Promise<Violation[]> {
  const db = conn.getClient().db(conn.name);
  const final = await db
    .collection<ReceiptState>('payments')
    .find({ status: { $in: FINAL } }, { projection: { receipt: 1 } })
    .toArray();
  const stored = new Set(
    (
      await db
        .collection('receipts')
        .find({}, { projection: { paymentId: 1 } })
        .toArray()
    ).map((r) => r.paymentId),
  );
  return final.flatMap((p): Violation[] => {
    if (!stored.has(p._id)) return [{ kind: 'receipt_not_recorded', paymentId: p._id, detail: 'no receipt stored' }];
    if (!p.receipt?.notifiedAt) {
      return [{ kind: 'receipt_not_recorded', paymentId: p._id, detail: 'its message is not recorded as sent' }];
    }
    return [];
  });
}

/**
 * Waits until every final payment has its receipt stored and its message recorded (the
 * settle-payment job's completion, the issue-receipt job, or the sweep's catch-up after a crash
 * lost one), polling every 500 ms for at most `limitMs`. Returns what is still missing then, as
 * violations, and how long it waited. Reads the payments and receipts collections only.
 */
export async function waitForReceipts(
  conn: Connection,
  limitMs: number,
): Promise<{ waitedMs: number; missing: Violation[] }> {
  const started = Date.now();
  for (;;) {
    const missing = await missingReceipts(conn);
    const waitedMs = Date.now() - started;
    if (missing.length === 0 || waitedMs >= limitMs) return { waitedMs, missing };
    await sleep(500);
  }
}
