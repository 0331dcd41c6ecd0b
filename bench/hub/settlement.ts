import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from 'mongoose';
import { percentile } from '../idp/load.js';

/** What of a payment document the benchmark reads; the timeline carries the hub's own timestamps. */
interface StoredPayment {
  _id: string;
  status: string;
  createdAt: Date;
  lines: { _id: string; status: string }[];
  timeline: { at: Date; event: string; to?: string; lineId?: string }[];
}

const OPEN = ['captured', 'settling'];

export interface Latency {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface SettlementStats {
  /** Lines whose `settlement.settled` transition is inside the window, per second. */
  linesSettledPerSecond: number;
  linesSettledInWindow: number;
  paymentsCompletedInWindow: number;
  paymentsCreatedInWindow: number;
  /** From the hub's `payment_captured` entry to its `payment.completed` entry, for payments captured in the window. */
  captureToCompletedMs: Latency;
  /** From the simulate call (the citizen pays) to `payment_captured`: the gateway's webhook and the hub's capture. */
  payToCapturedMs: Latency;
  /** From the simulate call to `payment.completed`: what a citizen waits for the receipt. */
  payToCompletedMs: Latency;
  /** Payments captured in the window that had not completed by its end: settlement falling behind. */
  backlogAtWindowEnd: number;
  /** Whole run, after the drain: payments by status and lines by status. */
  paymentStatuses: Record<string, number>;
  lineStatuses: Record<string, number>;
  linesSettledTotal: number;
  /** Paid payments still open (captured or settling) when the drain gave up: 0 when settlement caught up. */
  unfinishedAfterDrain: number;
  /** Lines settled per second in each successive bucket of the window: does the rate hold as data grows? */
  linesSettledPerSecondByBucket: number[];
  /** Documents in the payments collection at the start, middle and end of the window. */
  paymentsInCollection: { windowStart: number; windowMid: number; windowEnd: number };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function latency(values: number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round1(percentile(sorted, 50)),
    p90: round1(percentile(sorted, 90)),
    p99: round1(percentile(sorted, 99)),
    max: round1(sorted.at(-1) ?? 0),
  };
}

/**
 * Waits until every payment the citizens paid has left `captured`/`settling` and no paid one is
 * still waiting for its webhook, or until `timeoutMs`. Returns how long it waited.
 */
export async function drainSettlement(conn: Connection, paid: Set<string>, timeoutMs: number): Promise<number> {
  const payments = conn.getClient().db(conn.name).collection<StoredPayment>('payments');
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const [open, waiting] = await Promise.all([
      payments.countDocuments({ status: { $in: OPEN } }),
      payments.find({ status: 'awaiting_payment' }, { projection: { _id: 1 } }).toArray(),
    ]);
    if (open === 0 && !waiting.some((p) => paid.has(p._id))) break;
    await sleep(500);
  }
  return Date.now() - started;
}

export async function settlementStats(
  conn: Connection,
  window: { startMs: number; endMs: number; bucketMs: number },
  simulatedAt: Map<string, number>,
): Promise<SettlementStats> {
  const docs = await conn
    .getClient()
    .db(conn.name)
    .collection<StoredPayment>('payments')
    .find({}, { projection: { status: 1, createdAt: 1, 'lines._id': 1, 'lines.status': 1, timeline: 1 } })
    .toArray();
  const inWindow = (at: number) => at >= window.startMs && at <= window.endMs;
  const stats = {
    linesSettledInWindow: 0,
    paymentsCompletedInWindow: 0,
    paymentsCreatedInWindow: 0,
    backlogAtWindowEnd: 0,
    linesSettledTotal: 0,
    unfinishedAfterDrain: 0,
  };
  const paymentStatuses: Record<string, number> = {};
  const lineStatuses: Record<string, number> = {};
  const captureToCompleted: number[] = [];
  const payToCaptured: number[] = [];
  const payToCompleted: number[] = [];
  const buckets = Array.from({ length: Math.ceil((window.endMs - window.startMs) / window.bucketMs) }, () => 0);
  const midMs = (window.startMs + window.endMs) / 2;
  const paymentsInCollection = { windowStart: 0, windowMid: 0, windowEnd: 0 };

  for (const payment of docs) {
    paymentStatuses[payment.status] = (paymentStatuses[payment.status] ?? 0) + 1;
    for (const line of payment.lines) lineStatuses[line.status] = (lineStatuses[line.status] ?? 0) + 1;
    if (OPEN.includes(payment.status)) stats.unfinishedAfterDrain++;
    const createdAt = payment.createdAt.getTime();
    if (inWindow(createdAt)) stats.paymentsCreatedInWindow++;
    if (createdAt <= window.startMs) paymentsInCollection.windowStart++;
    if (createdAt <= midMs) paymentsInCollection.windowMid++;
    if (createdAt <= window.endMs) paymentsInCollection.windowEnd++;
    let captured: number | undefined;
    let completed: number | undefined;
    for (const entry of payment.timeline) {
      const at = entry.at.getTime();
      if (entry.event === 'settlement.settled') {
        stats.linesSettledTotal++;
        if (inWindow(at)) {
          stats.linesSettledInWindow++;
          const bucket = Math.min(buckets.length - 1, Math.floor((at - window.startMs) / window.bucketMs));
          buckets[bucket] = (buckets[bucket] ?? 0) + 1;
        }
      } else if (entry.event === 'payment_captured') captured = at;
      else if (entry.event === 'payment.completed') completed = at;
    }
    if (completed !== undefined && inWindow(completed)) stats.paymentsCompletedInWindow++;
    if (captured === undefined || !inWindow(captured)) continue;
    if (completed === undefined || completed > window.endMs) stats.backlogAtWindowEnd++;
    const paid = simulatedAt.get(payment._id);
    if (paid !== undefined) payToCaptured.push(captured - paid);
    if (completed === undefined) continue;
    captureToCompleted.push(completed - captured);
    if (paid !== undefined) payToCompleted.push(completed - paid);
  }
  const seconds = (window.endMs - window.startMs) / 1000;
  return {
    ...stats,
    linesSettledPerSecond: round1(stats.linesSettledInWindow / seconds),
    captureToCompletedMs: latency(captureToCompleted),
    payToCapturedMs: latency(payToCaptured),
    payToCompletedMs: latency(payToCompleted),
    paymentStatuses,
    lineStatuses,
    linesSettledPerSecondByBucket: buckets.map((n) => round1(n / (window.bucketMs / 1000))),
    paymentsInCollection,
  };
}
