import type { Logger } from '../../infra/logger.js';
import { maskRecipient, type Notifier } from '../../infra/notifier/index.js';
import type { DeliveryStore } from './delivery-store.js';

/** Another sender holds the record's lease: try again after the backoff (by then it is sent, or the lease lapsed). */
export class DeliveryBusyError extends Error {
  constructor(id: string) {
    super(`delivery ${id} is being sent by another worker`);
    this.name = 'DeliveryBusyError';
  }
}

export interface DeliverDeps {
  deliveries: Pick<DeliveryStore, 'claim' | 'findById' | 'markSent' | 'recordFailure'>;
  notifier: Pick<Notifier, 'send'>;
  log: Pick<Logger, 'info' | 'warn'>;
  /** A send that takes longer counts as failed. */
  sendTimeoutMs: number;
}

/** How a delivery run ended; a failed send throws (after recording it), so the job is retried. */
export type DeliverOutcome = 'sent' | 'already_sent' | 'already_failed' | 'superseded' | 'no_delivery';

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the notifier did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Sends one recorded message once: the record is claimed (a lease, and the attempt counted), sent
 * through the notifier, then marked sent. A failure is recorded with its error and thrown for
 * BullMQ to retry; on the last attempt the record becomes failed. A record already sent or failed
 * is not sent again, and one leased by another sender throws DeliveryBusyError. The lease lasts
 * twice the send timeout, so a send that timed out has ended before anyone may send again; only a
 * crash between the transport's acceptance and markSent can send a message twice.
 */
export async function deliver(deps: DeliverDeps, id: string, run: { lastAttempt: boolean }): Promise<DeliverOutcome> {
  const delivery = await deps.deliveries.claim(id, deps.sendTimeoutMs * 2);
  if (!delivery) {
    const current = await deps.deliveries.findById(id);
    if (!current) return 'no_delivery';
    if (current.status === 'sent') return 'already_sent';
    if (current.status === 'failed') return 'already_failed';
    if (current.status === 'superseded') return 'superseded';
    throw new DeliveryBusyError(id);
  }
  const ids = { deliveryId: id, kind: delivery.kind, channel: delivery.channel, to: maskRecipient(delivery.to) };
  try {
    await withTimeout(
      deps.notifier.send({
        channel: delivery.channel,
        to: delivery.to,
        text: delivery.text,
        ...(delivery.subject ? { subject: delivery.subject } : {}),
      }),
      deps.sendTimeoutMs,
    );
  } catch (error) {
    await deps.deliveries.recordFailure(id, error, run.lastAttempt);
    deps.log.warn(
      { ...ids, attempts: delivery.attempts, final: run.lastAttempt, why: (error as Error).message },
      run.lastAttempt ? 'notification failed for good' : 'notification failed; will retry',
    );
    throw error;
  }
  await deps.deliveries.markSent(id);
  deps.log.info({ ...ids, attempts: delivery.attempts }, 'notification delivered');
  return 'sent';
}
