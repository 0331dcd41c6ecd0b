import { findBillPayers } from '../bill-claims/bill-status.js';
import type { Payment } from '../payments/payment-model.js';
import type { PaymentStore } from '../payments/payment-store.js';
import { eventKey } from './events.js';
import type { Notifications } from './notifications.js';
import { paymentFailedEvent } from './payment-events.js';

/** A failure older than this is old news: the citizen has moved on (paid again, or not). */
const DEFAULT_WITHIN_MS = 3600_000;
const PAGE = 200;

/** Every bill of the failed payment has been paid since by another payment: no news worth sending. */
async function paidSince(deps: { payments: Pick<PaymentStore, 'model'> }, payment: Payment): Promise<boolean> {
  const keys = [...new Set(payment.lines.map((line) => line.billKey))];
  const payers = await findBillPayers(deps.payments.model, keys, payment._id);
  return payers.length === keys.length;
}

/**
 * Tells citizens whose payment the gateway turned down (status failed by the `payment_failed`
 * event; a checkout refused for a bill already paid is answered at once and needs no message).
 * The failure is applied wherever the gateway's answer arrives (a webhook in the API, the expiry
 * and order checks in the worker), so it is found from the payment's state by the sweep instead of
 * a hook in each. Pages through all of them; payments that already have a record for the event are
 * skipped with one query a page, and the dedupe key makes a race harmless. A payment whose bills
 * were all paid since (the citizen tried again at once) gets no message. Returns the payments told now.
 */
export async function notifyFailedPayments(
  deps: {
    payments: Pick<PaymentStore, 'model'>;
    notifications: Pick<Notifications, 'notify' | 'recordedKeys'>;
  },
  options: { withinMs?: number } = {},
): Promise<string[]> {
  const since = new Date(Date.now() - (options.withinMs ?? DEFAULT_WITHIN_MS));
  const now: string[] = [];
  let after: string | undefined;
  for (;;) {
    const failed = await deps.payments.model
      .find({
        status: 'failed',
        updatedAt: { $gte: since },
        'timeline.event': 'payment_failed',
        ...(after ? { _id: { $gt: after } } : {}),
      })
      .sort({ _id: 1 })
      .limit(PAGE)
      .lean<Payment[]>()
      .exec();
    const events = (await Promise.all(failed.map(async (p) => ((await paidSince(deps, p)) ? null : p))))
      .filter((p): p is Payment => p !== null)
      .map(paymentFailedEvent);
    const told = await deps.notifications.recordedKeys(events.map(eventKey));
    for (const event of events) {
      if (told.has(eventKey(event))) continue;
      const result = await deps.notifications.notify(event);
      if (result.deliveries.some((d) => d.created)) now.push(event.paymentId);
    }
    after = failed.at(-1)?._id;
    if (failed.length < PAGE || !after) break;
  }
  return now;
}
