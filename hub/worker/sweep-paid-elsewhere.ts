import type { Logger } from '../../infra/logger.js';
import type { DemandUploader } from '../demands/demand-upload.js';
import type { WalletSettlement } from '../wallet/settle-by-wallet.js';

/** How much demand work one sweep does at most: the rest waits for the next sweep. */
export interface DemandSweepLimits {
  /** Wallet transfers left verifying to ask the wallet about again (default 50). */
  walletClaims: number;
  /** Committed upload batches to publish (default 20). */
  uploadBatches: number;
}

export const DEFAULT_DEMAND_SWEEP_LIMITS: DemandSweepLimits = { walletClaims: 50, uploadBatches: 20 };

export interface DemandSweepDeps {
  /** Null when the wallet is not configured (no WALLET_API_KEY): nothing to retry. */
  wallet: Pick<WalletSettlement, 'retryUnresolved' | 'notifyReceipts'> | null;
  uploader: Pick<DemandUploader, 'publishCommitted'>;
  log: Pick<Logger, 'info' | 'warn'>;
}

/** What one sweep finished: wallet claims by outcome (null: no wallet), batches published, errors by step. */
export interface DemandSweepReport {
  wallet: { settled: number; refused: number; verifying: number } | null;
  publishedBatches: number;
  /** Payers of wallet receipts told now, after a failure had left them untold. */
  receiptsTold: number;
  errors: string[];
}

/**
 * The demand side of the worker's sweep: wallet transfers an unknown answer (a timeout, a 5xx) or
 * a crash left `verifying` are asked about again (WalletSettlement.retryUnresolved, only claims
 * whose lease ran out), and upload batches committed but not yet published are published
 * (DemandUploader.publishCommitted); payers of wallet receipts a failure left untold are told. Each step is bounded by `limits` and one failing does not stop
 * the other: its error is logged and reported, and the next sweep tries again.
 */
export async function sweepDemandWork(
  deps: DemandSweepDeps,
  limits: DemandSweepLimits = DEFAULT_DEMAND_SWEEP_LIMITS,
): Promise<DemandSweepReport> {
  const report: DemandSweepReport = { wallet: null, publishedBatches: 0, receiptsTold: 0, errors: [] };
  if (deps.wallet) {
    try {
      report.wallet = await deps.wallet.retryUnresolved(limits.walletClaims);
      report.receiptsTold = await deps.wallet.notifyReceipts(limits.walletClaims);
    } catch (error) {
      report.errors.push(`wallet: ${(error as Error).message}`);
      deps.log.warn({ err: error }, 'sweep: retrying unresolved wallet transfers failed');
    }
  }
  try {
    report.publishedBatches = await deps.uploader.publishCommitted(limits.uploadBatches);
  } catch (error) {
    report.errors.push(`uploads: ${(error as Error).message}`);
    deps.log.warn({ err: error }, 'sweep: publishing committed demand uploads failed');
  }
  if (report.wallet?.settled || report.wallet?.refused || report.publishedBatches > 0 || report.receiptsTold > 0) {
    deps.log.info(
      { wallet: report.wallet, publishedBatches: report.publishedBatches, receiptsTold: report.receiptsTold },
      'sweep: demand work finished',
    );
  }
  return report;
}
