import type { Job } from 'bullmq';
import {
  dayToReconcile,
  type ReconDeps,
  type ReconWiring,
  reconciliationDeps,
  runReconciliation,
} from '../reconciliation/index.js';
import type { SettlementJobData } from '../settlement/queue.js';

/** The reconciliation's wiring: the hub's Mongo, billers, gateway client and report source, how to start settlement. */
export type ReconcileJobDeps = ReconWiring;

/** What a `reconcile` job returns (BullMQ keeps it with the job): the day's counts, not every difference. */
export interface ReconcileJobResult {
  date: string;
  payments: number;
  casesOpened: number;
  casesOpen: number;
  sourceErrors: string[];
}

/**
 * The `reconcile` job's handler: the three-way reconciliation of one IST day (hub/reconciliation),
 * `job.data.date` or, for the daily schedule, yesterday in IST. Its deps are built on the first run
 * (indexes) and kept. A gateway report that cannot be read throws, so
 * the run fails and the next schedule (or a retry by hand) tries again.
 */
export function reconcileJob(deps: ReconcileJobDeps): (job: Job<SettlementJobData>) => Promise<ReconcileJobResult> {
  let wired: Promise<ReconDeps> | undefined;
  return async (job) => {
    wired ??= reconciliationDeps(deps).catch((error: unknown) => {
      wired = undefined;
      throw error;
    });
    const date = job.data.date ?? dayToReconcile();
    const { report } = await runReconciliation(await wired, { date });
    deps.log.info({ date, counts: report.counts, casesOpen: report.casesOpen }, 'reconciliation ran');
    return {
      date,
      payments: report.payments,
      casesOpened: report.casesOpened,
      casesOpen: report.casesOpen,
      sourceErrors: report.sourceErrors,
    };
  };
}
