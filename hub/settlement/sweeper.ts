import type { Ledger } from '../ledger/ledger.js';
import type { Payment } from '../payments/payment-model.js';
import type { PaymentStore } from '../payments/payment-store.js';
import { RUNNING_LINE_STATUSES } from '../payments/state-machine.js';
import type { StuckWork } from '../payments/stuck-work.js';
import type { PaymentFinalHook, SettlementLog } from './deps.js';
import { requeueLine, type SettlementQueue } from './queue.js';
import { finish } from './settle-line.js';

export interface SweepDeps {
  payments: PaymentStore;
  ledger: Ledger;
  queue: SettlementQueue;
  log: SettlementLog;
  /** Called for a payment the sweep completes (the worker enqueues its receipt here). */
  onPaymentFinal?: PaymentFinalHook;
  /**
   * Runs before a captured payment is moved to settling (the worker passes the checkout's check for
   * bills paid meanwhile by another payment, which fails those lines so they are refunded, not paid
   * twice). Must be safe to repeat.
   */
  beforeSettling?: (payment: Payment) => Promise<unknown>;
}

export interface SweepOptions {
  /** Work unchanged for this long counts as stuck. */
  olderThanMs: number;
  /** Payments read per page; the sweep reads every page. */
  limit?: number;
}

export interface SweepReport {
  /** Captured payments this sweep moved to settling. */
  started: string[];
  /** Lines that got a new job. */
  requeued: string[];
  /** Lines whose job is still waiting, delayed or active: BullMQ runs it (a dead worker's, after its lock lapses). */
  inQueue: string[];
  /** Settling payments whose lines were all final: missing movements booked, then completed by this sweep. */
  completed: string[];
  /** Payments or lines the sweep could not handle; logged, and tried again next sweep. */
  errors: number;
}

/** A captured payment whose settlement never started: capture booked (by key), moved to settling; its open lines. */
async function start(deps: SweepDeps, report: SweepReport, work: StuckWork, lines: Map<string, string>) {
  for (const payment of work.payments) {
    try {
      await deps.beforeSettling?.(payment);
      await deps.ledger.recordCapture((await deps.payments.findById(payment._id)) ?? payment);
      const moved = await deps.payments.transitionPayment(payment._id, 'captured', 'settling', 'settlement.swept');
      if (moved) report.started.push(payment._id);
      for (const line of (moved ?? payment).lines) {
        if (RUNNING_LINE_STATUSES.includes(line.status)) lines.set(line._id, payment._id);
      }
    } catch (error) {
      report.errors += 1;
      deps.log.error({ err: error, paymentId: payment._id }, 'sweeper could not start a captured payment');
    }
  }
}

/** A settling payment whose lines are all final: the run that finished the last one died before completing it. */
async function complete(deps: SweepDeps, report: SweepReport, work: StuckWork) {
  for (const payment of work.completable) {
    try {
      if (await finish(deps, payment)) report.completed.push(payment._id);
    } catch (error) {
      report.errors += 1;
      deps.log.error({ err: error, paymentId: payment._id }, 'sweeper could not complete a payment');
    }
  }
}

/**
 * Picks up what a crash left between a database write and the next step, page by page through all
 * of it (pages go by payment id, and held or unknown lines are never on them, so no amount of
 * work waiting for an operator can hide newer work): captured payments whose settlement never
 * started, open lines unchanged for `olderThanMs`, and settling payments whose lines are all final
 * (their missing ledger movements are booked and they are completed). Jobs are idempotent, so
 * sweeping work that was not stuck after all costs a little and breaks nothing.
 */
export async function sweepStuckWork(deps: SweepDeps, options: SweepOptions): Promise<SweepReport> {
  const report: SweepReport = { started: [], requeued: [], inQueue: [], completed: [], errors: 0 };
  let after: string | undefined;
  do {
    const work = await deps.payments.findStuck({ olderThanMs: options.olderThanMs, limit: options.limit, after });
    const lines = new Map(work.lines.map((line) => [line.lineId, line.paymentId]));
    await start(deps, report, work, lines);
    await complete(deps, report, work);
    for (const [lineId, paymentId] of lines) {
      try {
        report[await requeueLine(deps.queue, paymentId, lineId)].push(lineId);
      } catch (error) {
        report.errors += 1;
        deps.log.error({ err: error, paymentId, lineId }, 'sweeper could not requeue a line');
      }
    }
    after = work.next;
  } while (after);
  if (report.started.length + report.requeued.length + report.completed.length > 0) {
    deps.log.warn(
      { started: report.started.length, requeued: report.requeued.length, completed: report.completed.length },
      'sweeper picked up stuck settlement work',
    );
  }
  return report;
}
