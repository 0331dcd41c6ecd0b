import type { Payment } from '../payments/payment-model.js';
import type { PaymentStore } from '../payments/payment-store.js';
import type { DeliveryStore } from './delivery-store.js';
import { eventKey } from './events.js';
import type { Notifications } from './notifications.js';
import { paymentFailedEvent } from './payment-events.js';

/** A failure older than this is old news: the citizen has moved on (paid again, or not). */
const DEFAULT_WITHIN_MS = 3600_000;

/**
 * Tells citizens whose payment the gateway turned down (status failed by the `payment_failed`
 * event; a checkout refused for a bill already paid is answered at once and needs no message).
 * The failure is applied wherever the gateway's answer arrives (a webhook in the API, the expiry
 * and order checks in the worker), so it is found from the payment's state by the sweep instead of
 * a hook in each. Payments that already have a record for the event are skipped in one query; the
 * dedupe key makes a race harmless. Returns the ids of the payments told now.
 */
export async function notifyFailedPayments(
  deps: {
    payments: Pick<PaymentStore, 'model'>;
    deliveries: Pick<DeliveryStore, 'model'>;
    notifications: Pick<Notifications, 'notify'>;
  },
  options: { withinMs?: number } = {},
): Promise<string[]> {
  const since = new Date(Date.now() - (options.withinMs ?? DEFAULT_WITHIN_MS));
  const failed = await deps.payments.model
    .find({ status: 'failed', updatedAt: { $gte: since }, 'timeline.event': 'payment_failed' })
    .sort({ _id: 1 })
    .limit(500)
    .lean<Payment[]>()
    .exec();
  if (failed.length === 0) return [];
  const events = failed.map(paymentFailedEvent);
  const keys = events.flatMap((event) => ['email', 'sms'].map((channel) => `${eventKey(event)}|${channel}`));
  const recorded = await deps.deliveries.model
    .find({ key: { $in: keys } }, { reference: 1 })
    .lean()
    .exec();
  const told = new Set(recorded.map((delivery) => delivery.reference));
  const now: string[] = [];
  for (const event of events) {
    if (told.has(event.paymentId)) continue;
    const result = await deps.notifications.notify(event);
    if (result.deliveries.some((d) => d.created)) now.push(event.paymentId);
  }
  return now;
}
