import type { Ledger } from '../ledger/ledger.js';
import type { PaymentStore } from '../payments/payment-store.js';
import { OPEN_LINE_STATUSES } from '../payments/state-machine.js';
import type { SettlementLog } from './deps.js';
import { SETTLE_LINE, type SettlementQueue } from './queue.js';

export interface SweepDeps {
  payments: PaymentStore;
  ledger: Ledger;
  queue: SettlementQueue;
  log: SettlementLog;
}

export interface SweepOptions {
  /** Work unchanged for this long counts as stuck. */
  olderThanMs: number;
  limit?: number;
}

export interface SweepReport {
  /** Captured payments this sweep moved to settling. */
  started: string[];
  /** Lines that got a new job. */
  requeued: string[];
  /** Lines whose job is still waiting, delayed or active: BullMQ runs it (a dead worker's, after its lock lapses). */
  inQueue: string[];
  /** Payments or lines the sweep could not handle; logged, and tried again next sweep. */
  errors: number;
}

/**
 * Gives a stuck line a job. Its job id is the line id, and BullMQ ignores an add while a job with
 * that id is kept, so a finished one is removed first; a job still queued or running is left alone,
 * which keeps one live job per line. Two sweepers racing add at most one job.
 */
async function requeue(queue: SettlementQueue, paymentId: string, lineId: string): Promise<'requeued' | 'inQueue'> {
  const existing = await queue.getJob(lineId);
  const state = existing ? await existing.getState() : 'missing';
  if (state !== 'missing' && state !== 'completed' && state !== 'failed' && state !== 'unknown') return 'inQueue';
  if (state !== 'missing') await queue.remove(lineId);
  await queue.add(SETTLE_LINE, { paymentId, lineId }, { jobId: lineId });
  return 'requeued';
}

/**
 * Re-enqueues what a crash left between a database write and an enqueue: captured payments whose
 * settlement never started (their capture is recorded in the ledger, by key, in case the crash came
 * before that too, and they are moved to settling) and open lines unchanged for `olderThanMs`.
 * Jobs are idempotent, so sweeping work that was not stuck after all costs a little and breaks nothing.
 */
export async function sweepStuckWork(deps: SweepDeps, options: SweepOptions): Promise<SweepReport> {
  const report: SweepReport = { started: [], requeued: [], inQueue: [], errors: 0 };
  const stuck = await deps.payments.findStuck(options);
  const lines = new Map(stuck.lines.map((line) => [line.lineId, line.paymentId]));
  for (const payment of stuck.payments) {
    try {
      await deps.ledger.recordCapture(payment);
      const moved = await deps.payments.transitionPayment(payment._id, 'captured', 'settling', 'settlement.swept');
      if (moved) report.started.push(payment._id);
      for (const line of (moved ?? payment).lines) {
        if (OPEN_LINE_STATUSES.includes(line.status)) lines.set(line._id, payment._id);
      }
    } catch (error) {
      report.errors += 1;
      deps.log.error({ err: error, paymentId: payment._id }, 'sweeper could not start a captured payment');
    }
  }
  for (const [lineId, paymentId] of lines) {
    try {
      report[await requeue(deps.queue, paymentId, lineId)].push(lineId);
    } catch (error) {
      report.errors += 1;
      deps.log.error({ err: error, paymentId, lineId }, 'sweeper could not requeue a line');
    }
  }
  if (report.started.length + report.requeued.length > 0) {
    deps.log.warn(
      { started: report.started.length, requeued: report.requeued.length },
      'sweeper re-enqueued stuck settlement work',
    );
  }
  return report;
}
