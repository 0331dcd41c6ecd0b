import type { Payment } from '../payments/index.js';
import type { CheckoutUpkeepDeps } from './expire-unpaid.js';

export interface OpenOrderOptions {
  /** Only payments awaiting payment for at least this long (their webhook is overdue). Default 10. */
  olderThanMinutes?: number;
  /** Most payments per run, the oldest first. Default 200. */
  limit?: number;
}

/** What one reconciliation run found. */
export interface OpenOrderReport {
  /** Awaiting-payment payments asked about. */
  checked: number;
  /** Whose status changed (captured, held, failed) from what the gateway said. */
  changed: number;
  /** The gateway could not be asked: left for the next run. */
  errors: number;
}

/**
 * Syncs payments still awaiting payment after `olderThanMinutes` with their gateway orders (issue 8,
 * hole 7): a capture whose webhook never arrived is applied here, long before the checkout expires.
 * Safe on several replicas at once (every move is a conditional update).
 */
export async function reconcileOpenOrders(
  deps: CheckoutUpkeepDeps,
  options: OpenOrderOptions = {},
): Promise<OpenOrderReport> {
  const cutoff = new Date((deps.now ?? Date.now)() - (options.olderThanMinutes ?? 10) * 60_000);
  const open = await deps.payments.model
    .find({ status: 'awaiting_payment', createdAt: { $lte: cutoff }, 'gateway.orderId': { $exists: true } })
    .sort({ createdAt: 1 })
    .limit(options.limit ?? 200)
    .lean<Payment[]>()
    .exec();
  const report: OpenOrderReport = { checked: 0, changed: 0, errors: 0 };
  for (const payment of open) {
    report.checked++;
    try {
      const order = await deps.gateway.getOrder(payment.gateway.orderId as string);
      const after = await deps.capture.apply(payment, order);
      if (after.status !== payment.status) report.changed++;
    } catch (error) {
      report.errors++;
      deps.log.warn({ err: error, paymentId: payment._id }, 'could not reconcile an open order now');
    }
  }
  if (report.changed || report.errors) deps.log.info({ ...report }, 'open gateway orders reconciled');
  return report;
}
