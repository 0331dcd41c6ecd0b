export type { LineDeps, PaymentFinalHook, SettlementDeps, SettlementLog } from './deps.js';
export { NeedsOperatorError, RefundPendingError } from './errors.js';
export type { LineOutcome, LineRun } from './line-step.js';
export {
  type SettlementOptions,
  type SettlementOptionsInput,
  settlementOptions,
  settlementOptionsSchema,
} from './options.js';
export {
  enqueueSettlement,
  SETTLE_LINE,
  type SettlementJobData,
  type SettlementQueue,
  settlementJobOptions,
  settlementQueue,
} from './queue.js';
export {
  type RunningSettlement,
  runSettlementWorker,
  type SettlementWorkerConfig,
  type SettlementWorkerDeps,
} from './run-worker.js';
export { settleLine } from './settle-line.js';
export { type SettlementEnv, settlementEnvSchema, settlementOptionsFromEnv } from './settlement-env.js';
export { type SweepDeps, type SweepOptions, type SweepReport, sweepStuckWork } from './sweeper.js';
export { processSettlementJob, type SettlementWorker, startSettlementWorker } from './worker.js';
