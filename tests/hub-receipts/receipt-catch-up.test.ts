import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notifications } from '../../hub/notifications/index.js';
import type { Payment, PaymentStore } from '../../hub/payments/index.js';
import { type IssueReceiptDeps, issueReceipt, ReceiptCatchUp } from '../../hub/receipts/issue-receipt.js';
import type { ReceiptService } from '../../hub/receipts/receipt-service.js';
import type { SettlementQueue } from '../../hub/settlement/queue.js';
import { createLogger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import { completedPayment, phoneNotifications, startReceiptStores } from './support/receipt-stores.js';

const log = createLogger('receipt-catch-up', 'silent');

/**
 * A queue that keeps the job ids added to it; a job stays "waiting" until `finish` removes it.
 * `failAddsAfter`: that many adds succeed, the next one throws.
 */
function recordingQueue(options: { failAddsAfter?: number } = {}) {
  const waiting = new Set<string>();
  let adds = 0;
  const queue = {
    getJob: async (id: string) => (waiting.has(id) ? { getState: async () => 'waiting' } : undefined),
    remove: async (id: string) => void waiting.delete(id),
    add: async (_name: string, _data: unknown, opts: { jobId: string }) => {
      adds += 1;
      if (adds === (options.failAddsAfter ?? -1) + 1) throw new Error('Redis unavailable');
      waiting.add(opts.jobId);
    },
  } as unknown as SettlementQueue;
  return { queue, finish: (id: string) => waiting.delete(id) };
}

describe('the receipts catch-up', () => {
  let drop: () => Promise<void>;
  let conn: Connection;
  let payments: PaymentStore;
  let receipts: ReceiptService;
  /** Notifications for a citizen with a phone, and for one with no contact. */
  let reachable: Notifications;
  let unreachable: Notifications;

  beforeAll(async () => {
    ({ drop, conn, payments, receipts } = await startReceiptStores('receipt_catch_up'));
    reachable = phoneNotifications(conn, log, '+919845012345');
    unreachable = phoneNotifications(conn, log);
  });
  afterAll(() => drop?.());

  const job = (notifications: Notifications): IssueReceiptDeps => ({ payments, receipts, notifications, log });
  const catchUp = (queue: SettlementQueue, options: { withinMs?: number; pageSize?: number } = {}) =>
    new ReceiptCatchUp(
      { payments, receipts, notifications: reachable, queue, log },
      { olderThanMs: 1_000, ...options },
    );
  /** A UTC instant `ms` from the test's start (the runs' clock; payments are stamped with the real one). */
  const start = Date.now();
  const at = (ms: number) => new Date(start + ms);
  /** Sets a payment's updatedAt as its writer stamped it. */
  const stamp = (payment: Payment, when: Date) =>
    payments.model.collection.updateOne({ _id: payment._id as never }, { $set: { updatedAt: when } });

  it('enqueues final payments whose receipt is missing or has no message recorded, and nothing else', async () => {
    const { queue } = recordingQueue();
    const told = await completedPayment(payments);
    expect(await issueReceipt(job(reachable), told._id)).toBe('notified');
    const nobody = await completedPayment(payments);
    expect(await issueReceipt(job(unreachable), nobody._id)).toBe('no_contact');
    const missing = await completedPayment(payments);
    const untold = await completedPayment(payments);
    await receipts.issue(untold); // stored, no message recorded yet
    const legacy = await completedPayment(payments);
    await payments.model.updateOne({ _id: legacy._id }, { $set: { 'receipt.notifiedAt': new Date() } });
    for (const p of [told, nobody, missing, untold, legacy]) await stamp(p, at(100));

    const report = await catchUp(queue).run(at(5_000));
    expect(report.enqueued.sort()).toEqual([missing._id, untold._id].sort());
    expect(report.read).toBe(4); // the legacy payment is not read
  });

  it('reads only what changed since its last run, and keeps asking about what it found due', async () => {
    const { queue, finish } = recordingQueue();
    // A window that leaves out the other tests' payments (stamped at other instants).
    const runs = catchUp(queue, { withinMs: 150_000 });
    const stuck = await completedPayment(payments);
    await stamp(stuck, at(200_000));
    expect((await runs.run(at(300_000))).enqueued).toContain(stuck._id);

    // Much later the window since the last run holds nothing, but the stuck payment is asked about.
    const later = await runs.run(at(320_000));
    expect(later).toMatchObject({ enqueued: [], inQueue: [stuck._id], read: 1 });

    // A payment stamped within the overlap (60 s before the last run's end) is read by the next run.
    const late = await completedPayment(payments);
    await stamp(late, at(320_000 - 1_000 - 30_000));
    finish(stuck._id);
    await issueReceipt(job(reachable), stuck._id);
    const next = await runs.run(at(321_000));
    expect(next).toMatchObject({ enqueued: [late._id], inQueue: [] });
  });

  it('pages through payments stamped with the same instant, each once', async () => {
    const { queue } = recordingQueue();
    const same: Payment[] = [];
    for (let i = 0; i < 5; i += 1) {
      const payment = await completedPayment(payments);
      await stamp(payment, at(2_000_000));
      same.push(payment);
    }
    const report = await catchUp(queue, { pageSize: 2 }).run(at(2_010_000));
    expect(report.enqueued.filter((id) => same.some((p) => p._id === id)).sort()).toEqual(
      same.map((p) => p._id).sort(),
    );
    expect(new Set(report.enqueued).size).toBe(report.enqueued.length);
  });

  it('a run that fails midway leaves its whole window to the next run', async () => {
    const { queue } = recordingQueue({ failAddsAfter: 1 });
    const runs = catchUp(queue, { withinMs: 20_000 });
    const first = await completedPayment(payments);
    const second = await completedPayment(payments);
    await stamp(first, at(3_000_000));
    await stamp(second, at(3_000_001));
    await expect(runs.run(at(3_010_000))).rejects.toThrow('Redis unavailable');
    // Much later than the failed run: the window it did not finish is read again.
    const again = await runs.run(at(3_015_000));
    expect(again).toMatchObject({ enqueued: [second._id], inQueue: [first._id] });
  });

  it('two calls at once make one run', async () => {
    const { queue } = recordingQueue();
    const runs = catchUp(queue, { withinMs: 20_000 });
    const [a, b] = await Promise.all([runs.run(at(4_000_000)), runs.run(at(4_000_000))]);
    expect(a).toBe(b);
  });
});
