import type { Logger } from '../../infra/logger.js';
import { EXPIRABLE_STATUSES, type PaymentStore } from '../payments/index.js';

/**
 * Moves checkouts nobody paid in time to `expired`. The expiry is in the query (expiresAt);
 * a capture that arrives later still lands, as a late capture, and is settled or refunded.
 */
export async function expireUnpaid(payments: PaymentStore, log: Logger, limit = 200): Promise<number> {
  let expired = 0;
  for (const payment of await payments.findExpired({ limit })) {
    const moved = await payments.transitionPayment(payment._id, [...EXPIRABLE_STATUSES], 'expired', 'checkout_expired');
    if (moved) expired++;
  }
  if (expired) log.info({ expired }, 'unpaid checkouts expired');
  return expired;
}
