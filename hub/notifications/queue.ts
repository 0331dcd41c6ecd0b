import type { SettlementQueue } from '../settlement/queue.js';
import type { NotificationOptions } from './options.js';

/** The job that sends one recorded message (hub/worker/jobs.ts); its id is the delivery's id. */
export const NOTIFY = 'notify';

const DAY_S = 24 * 3600;

/**
 * Adds the `notify` job of a delivery on the hub's work queue, with the notifications' own attempts
 * and backoff. Its id is the delivery id: while a job of that id is kept, the add is ignored, so a
 * record dispatched twice has one job. A finished job is replaced only when `again` is set (the
 * catch-up of records still queued), never while one is waiting, delayed or running. `delayMs` holds
 * the first try back (a message a later one may supersede, see Notifications).
 */
export async function enqueueDelivery(
  queue: SettlementQueue,
  deliveryId: string,
  options: Pick<NotificationOptions, 'attempts' | 'backoffMs'>,
  again = false,
  delayMs = 0,
): Promise<void> {
  if (again) {
    const state = await (await queue.getJob(deliveryId))?.getState();
    if (state && state !== 'completed' && state !== 'failed' && state !== 'unknown') return;
    if (state) await queue.remove(deliveryId);
  }
  await queue.add(
    NOTIFY,
    { deliveryId },
    {
      jobId: deliveryId,
      ...(delayMs > 0 ? { delay: delayMs } : {}),
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs },
      removeOnComplete: { age: DAY_S, count: 10_000 },
      removeOnFail: { age: 7 * DAY_S },
    },
  );
}
