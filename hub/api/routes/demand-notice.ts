import type { Logger } from '../../../infra/logger.js';
import { type Demand, OPEN_DEMAND_STATUSES } from '../../demands/index.js';
import type { DemandReceived, Notifications } from '../../notifications/index.js';

/** Messages recorded at once for one upload: each is a few database writes and an enqueue. */
const CONCURRENCY = 8;

export interface DemandNoticeDeps {
  notifications: Pick<Notifications, 'notify'>;
  /** The portal's public URL (PORTAL_PUBLIC_URL, else HUB_PUBLIC_URL, else the hub's): pay links lead there. */
  portalUrl: string;
  log: Pick<Logger, 'warn'>;
}

/** The pay link of a demand: the portal's demand page, `<portal>/demands/<reference>`. */
export function demandPayUrl(portalUrl: string, reference: string): string {
  return `${portalUrl.replace(/\/+$/, '')}/demands/${encodeURIComponent(reference)}`;
}

/**
 * The `demand_received` event of a demand: to each contact the provider gave (the payer may never
 * have signed in: the demand names no account), for its next open instalment (amount and due date: what is asked first; for a
 * demand without a plan, the whole total by the due date). Undefined when nothing is payable.
 */
export function demandReceivedEvent(demand: Demand, portalUrl: string): DemandReceived | undefined {
  const next = demand.instalments.filter((i) => i.status === 'open').sort((a, b) => a.number - b.number)[0];
  if (!next || !OPEN_DEMAND_STATUSES.includes(demand.status)) return undefined;
  return {
    kind: 'demand_received',
    contact: { ...demand.payer },
    // Both contacts the provider gave, as a demand is "sent by SMS and email" (issue 11).
    channel: 'both',
    reference: demand.reference,
    // The display name the idp gave when the demand was raised; a nameless client by its id.
    providerName: demand.providerName ?? demand.providerId,
    amountMinor: next.amountMinor,
    currency: demand.currency,
    dueDate: next.dueDate,
    payUrl: demandPayUrl(portalUrl, demand.reference),
  };
}

/**
 * Tells each payer of `demands` about their demand (hub/notifications: one message per channel,
 * deduplicated on the reference, so telling a demand again, e.g. on an idempotent retry, sends
 * nothing new and heals a notice a crash lost). A failure to record or send is logged, never
 * thrown: the demand exists either way, and a record left queued is sent again by the worker's sweep.
 */
export function demandReceivedNotices(deps: DemandNoticeDeps): (demands: readonly Demand[]) => Promise<void> {
  const tell = async (demand: Demand) => {
    const event = demandReceivedEvent(demand, deps.portalUrl);
    if (!event) return;
    try {
      await deps.notifications.notify(event);
    } catch (error) {
      deps.log.warn(
        { reference: demand.reference, why: (error as Error).message },
        'demand_received not sent now; the sweep retries it',
      );
    }
  };
  return async (demands) => {
    // A few workers taking the next demand each: an upload's thousands are not all at once.
    let next = 0;
    const worker = async () => {
      while (next < demands.length) {
        const demand = demands[next++] as Demand;
        await tell(demand);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, demands.length) }, worker));
  };
}
