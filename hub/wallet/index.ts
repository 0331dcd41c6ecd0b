export * from './port.js';
export {
  createSandboxWalletClient,
  type SandboxWalletClientOptions,
  sandboxWalletClientOptionsSchema,
} from './sandbox-wallet-client.js';
export {
  type SettleByWalletInput,
  type SettleByWalletResult,
  WalletSettlement,
  type WalletSettlementOptions,
} from './settle-by-wallet.js';
export {
  CLAIM_STATUSES,
  type ClaimStatus,
  type WalletTransferClaim,
  walletTransferClaimModel,
} from './transfer-claim-model.js';
export { type WalletRefusal, WalletTransferRefusedError } from './wallet-errors.js';
export { walletProviderFromConfig, walletSettlementFromConfig } from './wallet-from-config.js';
export { claimIdOf, walletPaymentIdOf } from './wallet-ids.js';
export { normaliseTransactionId, normaliseWalletNumber } from './wallet-input.js';
export { isPayerOf, type Plan, paymentPlan } from './wallet-payment-plan.js';
export { issueWalletReceipt, type WalletReceiptFacts } from './wallet-receipt.js';
