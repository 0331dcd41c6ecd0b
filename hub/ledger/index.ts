export {
  type AccountRole,
  accountRole,
  billerPayable,
  GATEWAY_RECEIVABLE,
  GATEWAY_REFUNDS,
  PAYMENTS_IN_FLIGHT,
} from './accounts.js';
export { entryProblems, type LedgerEntry } from './balance.js';
export { checkLedger, type LedgerReport } from './check-ledger.js';
export { Ledger, type RecordedTransaction } from './ledger.js';
export {
  LEDGER_KINDS,
  type LedgerKind,
  type LedgerModel,
  type LedgerTransaction,
  ledgerModel,
} from './ledger-model.js';
export { captureMovement, type NewLedgerTransaction, refundMovement, settlementMovement } from './movements.js';
export type { LedgerTotals } from './reconcile.js';
