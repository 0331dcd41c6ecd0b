export { type Booked, bookMissingMovements } from './book-ledger.js';
export type { LineDeps, PaymentFinalHook, SettlementDeps, SettlementLog } from './deps.js';
export {
  type EnquiryDeps,
  type EnquiryOutcome,
  type EnquiryReport,
  enquireLine,
  enquireUnknownLines,
  nextEnquiryAt,
} from './enquiry.js';
export { RefundPendingError } from './errors.js';
export type { LineOutcome, LineRun } from './line-step.js';
export {
  type SettlementOptions,
  type SettlementOptionsInput,
  settlementOptions,
  settlementOptionsSchema,
} from './options.js';
export {
  addOnce,
  enqueueReceipt,
  enqueueSettlement,
  handOverLine,
  ISSUE_RECEIPT,
  paymentJobId,
  requeueLine,
  SETTLE_LINE,
  SETTLE_PAYMENT,
  type SettlementJobData,
  type SettlementQueue,
  settlementJobOptions,
  settlementQueue,
} from './queue.js';
export { finish, settleLine } from './settle-line.js';
export {
  type HandOver,
  type HandOverStart,
  type PaymentRun,
  type PaymentRunOutcome,
  settlePayment,
} from './settle-payment.js';
export { type SweepDeps, type SweepOptions, type SweepReport, sweepStuckWork } from './sweeper.js';
export {
  type JobHandler,
  processPaymentJob,
  processSettlementJob,
  type SettlementWorker,
  startQueueWorker,
  startSettlementWorker,
} from './worker.js';
