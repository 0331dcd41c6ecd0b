export {
  type AccountInfo,
  type AccountType,
  accountInfo,
  BANK_SETTLEMENT,
  billerPayable,
  GATEWAY_FEES,
  GATEWAY_RECEIVABLE,
  normalBalance,
  PAYMENTS_HELD,
  PAYMENTS_IN_FLIGHT,
  REFUNDS_PAYABLE,
} from './accounts.js';
export { LedgerAppendOnlyError } from './append-only.js';
export { entryProblems, type LedgerEntry } from './balance.js';
export type { AccountBalance, BalancesOptions } from './balances.js';
export { canonicalTransaction, GENESIS_HASH, transactionHash } from './chain.js';
export { checkLedger, type LedgerReport, type LedgerTotals } from './check-ledger.js';
export { Ledger, type RecordedTransaction } from './ledger.js';
export {
  LEDGER_KINDS,
  type LedgerKind,
  type LedgerModel,
  type LedgerTransaction,
  ledgerModel,
} from './ledger-model.js';
export { chainLegacyTransactions, countUnchained, type LegacyChaining } from './legacy.js';
export {
  billerPayoutMovement,
  captureMovement,
  type GatewayPayout,
  gatewayPayoutMovement,
  type NewLedgerTransaction,
  type PayoutRef,
  refundMovement,
  refundNettingMovement,
  reversalMovement,
  settlementMovement,
} from './movements.js';
