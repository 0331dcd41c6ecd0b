import type { Logger } from '../../infra/logger.js';
import { GatewayOrderNotFoundError, type PaymentGateway } from '../gateway/index.js';
import { EXPIRABLE_STATUSES, type Payment, type PaymentStore } from '../payments/index.js';
import type { PaymentCapture } from './payment-capture.js';

/** What expiry and reconciliation work with. */
export interface CheckoutUpkeepDeps {
  payments: PaymentStore;
  gateway: Pick<PaymentGateway, 'getOrder' | 'cancelOrder'>;
  capture: Pick<PaymentCapture, 'apply'>;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** The clock, for tests; Date.now by default. Milliseconds since the epoch. */
  now?: () => number;
}

/** What one expiry run did, payment by payment counted once. */
export interface ExpiryReport {
  /** Payments past their expiresAt looked at. */
  checked: number;
  /** Moved to expired (their gateway order cancelled first). */
  expired: number;
  /** Found captured at the gateway: applied as a capture instead of expiring. */
  captured: number;
  /** Found failed at the gateway: moved to failed. */
  failed: number;
  /** The gateway's capture is still pending: left for the next run. */
  pending: number;
  /** The gateway could not be asked: left for the next run. */
  errors: number;
}

export interface ExpiryOptions {
  /** Most payments per run; the oldest lapsed first. Default 200. */
  limit?: number;
}

/**
 * Expires checkouts nobody paid in time (issue 8, holes 5 and 7), asking the gateway first: the
 * webhook that would have said "captured" may have been lost. For each created or awaiting_payment
 * payment past its expiresAt: no order → expired; an order captured → applied as a capture (settled,
 * or refunded where its bill was paid meanwhile); pending → left for the next run; failed → failed;
 * otherwise the order is cancelled at the gateway (so its page can take no money) and only then is
 * the payment expired. A gateway that cannot be reached leaves the payment for the next run.
 * Safe to run on several replicas at once: every move is a conditional update.
 */
export async function expireUnpaid(deps: CheckoutUpkeepDeps, options: ExpiryOptions = {}): Promise<ExpiryReport> {
  const now = new Date((deps.now ?? Date.now)());
  const report: ExpiryReport = { checked: 0, expired: 0, captured: 0, failed: 0, pending: 0, errors: 0 };
  const lapsed = await deps.payments.model
    .find({ status: { $in: EXPIRABLE_STATUSES }, expiresAt: { $lte: now } })
    .sort({ expiresAt: 1 })
    .limit(options.limit ?? 200)
    .lean<Payment[]>()
    .exec();
  for (const payment of lapsed) {
    report.checked++;
    try {
      report[await expireOne(deps, payment)]++;
    } catch (error) {
      report.errors++;
      deps.log.warn({ err: error, paymentId: payment._id }, 'could not expire a checkout now; next run retries');
    }
  }
  if (report.checked) deps.log.info({ ...report }, 'lapsed checkouts checked with the gateway');
  return report;
}

type Outcome = 'expired' | 'captured' | 'failed' | 'pending';

async function expireOne(deps: CheckoutUpkeepDeps, payment: Payment): Promise<Outcome> {
  const orderId = payment.gateway?.orderId;
  if (orderId) {
    let order = await readOrder(deps, orderId);
    if (order && order.status !== 'captured' && order.status !== 'pending' && order.status !== 'failed') {
      // Cancel first: once cancelled the page cannot take money, so expiring cannot lose a capture.
      order = await deps.gateway.cancelOrder(orderId);
    }
    if (order?.status === 'captured' || order?.status === 'failed') {
      await deps.capture.apply(payment, order);
      return order.status;
    }
    if (order?.status === 'pending') return 'pending';
  }
  const moved = await deps.payments.transitionPayment(
    payment._id,
    [...EXPIRABLE_STATUSES],
    'expired',
    'checkout_expired',
  );
  return moved ? 'expired' : 'pending';
}

/** The order, or undefined when the gateway has none (it was never made there). */
async function readOrder(deps: CheckoutUpkeepDeps, orderId: string) {
  try {
    return await deps.gateway.getOrder(orderId);
  } catch (error) {
    if (error instanceof GatewayOrderNotFoundError) return undefined;
    throw error;
  }
}
