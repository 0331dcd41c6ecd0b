import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from 'mongoose';
import { isFinalPaymentStatus } from '../../hub/payments/state-machine.js';
import type { Violation } from './checker.js';

interface PaymentState {
  _id: string;
  status: string;
  lines: { _id: string; status: string }[];
}

interface StoredReceipt {
  _id: string;
  paymentId: string;
  status: string;
  lines: { lineId: string; status: string }[];
  notifiedAt?: Date;
}

/**
 * What is wrong with the receipts now: a final payment with no stored receipt, a receipt under
 * another number than its payment's (RCT + the payment id's tail), a receipt whose message is not
 * recorded (a `payment_confirmed` delivery under its number, or `notifiedAt`: nobody to tell), a
 * receipt that states another status than its payment's, or a line in another state than the
 * payment's line (a held refund of a whole payment aside); and a receipt for a payment that is not
 * final.
 */
async function receiptProblems(conn: Connection): Promise<Violation[]> {
  const db = conn.getClient().db(conn.name);
  const payments = await db
    .collection<PaymentState>('payments')
    .find({}, { projection: { status: 1, 'lines._id': 1, 'lines.status': 1 } })
    .toArray();
  const receipts = new Map(
    (await db.collection<StoredReceipt>('receipts').find({}).toArray()).map((r) => [r.paymentId, r]),
  );
  // A confirmation's delivery key is `payment_confirmed|<receipt number>|<channel>`.
  const told = new Set(
    (
      await db
        .collection<{ key: string }>('notification_deliveries')
        .find({ kind: 'payment_confirmed' }, { projection: { key: 1 } })
        .toArray()
    ).map((d) => d.key.split('|')[1]),
  );
  const problems: Violation[] = [];
  const add = (paymentId: string, detail: string) => problems.push({ kind: 'receipt_mismatch', paymentId, detail });
  for (const payment of payments) {
    const receipt = receipts.get(payment._id);
    if (!isFinalPaymentStatus(payment.status)) {
      if (receipt) add(payment._id, `a receipt exists for a payment that is ${payment.status}`);
      continue;
    }
    if (!receipt) {
      add(payment._id, 'no receipt stored');
      continue;
    }
    if (receipt._id !== `RCT${payment._id.slice(3)}`) add(payment._id, `the receipt is numbered ${receipt._id}`);
    if (!receipt.notifiedAt && !told.has(receipt._id)) add(payment._id, 'its message is not recorded');
    if (receipt.status !== payment.status)
      add(payment._id, `the receipt says ${receipt.status}, the payment ${payment.status}`);
    const held = payment.status === 'refunded' && receipt.lines.every((l) => l.status === 'refunded');
    for (const line of payment.lines) {
      const stated = receipt.lines.find((l) => l.lineId === line._id)?.status;
      if (stated !== line.status && !held)
        add(payment._id, `line ${line._id}: receipt ${stated}, payment ${line.status}`);
    }
  }
  return problems;
}

/**
 * Waits until every final payment's receipt is stored and true to it, with its message recorded
 * (the issue-receipt job, or the sweep's catch-up after a crash lost one), polling every 500 ms for
 * at most `limitMs`. Returns what is still wrong then, as violations, and how long it waited. Reads
 * the payments, receipts and notification_deliveries collections only.
 */
export async function waitForReceipts(
  conn: Connection,
  limitMs: number,
): Promise<{ waitedMs: number; problems: Violation[] }> {
  const started = Date.now();
  for (;;) {
    const problems = await receiptProblems(conn);
    const waitedMs = Date.now() - started;
    if (problems.length === 0 || waitedMs >= limitMs) return { waitedMs, problems };
    await sleep(500);
  }
}
