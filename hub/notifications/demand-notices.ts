import type { Logger } from '../../infra/logger.js';
import { todayInIndia } from '../bills/indian-day.js';
import { type Demand, discountOn, type FieldChange, OPEN_DEMAND_STATUSES } from '../demands/index.js';
import type { DemandAmended, DemandCancelled, DemandReceived } from './events.js';
import type { Notifications } from './notifications.js';

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

/** Who the messages of a demand go to: each contact the provider gave (the payer may never have signed in). */
const payerOf = (demand: Demand) => ({
  contact: { ...demand.payer },
  // Both contacts the provider gave, as a demand is "sent by SMS and email" (issue 11).
  channel: 'both' as const,
});

/** The provider as payers' messages name it: the idp's display name when raised, else its id. */
const providerOf = (demand: Demand) => demand.providerName ?? demand.providerId;

const firstOpen = (demand: Demand) =>
  demand.instalments.filter((i) => i.status === 'open').sort((a, b) => a.number - b.number)[0];

/**
 * The `demand_received` event of a demand, for its next open instalment (amount and due date: what
 * is asked first; for a demand without a plan, the whole total by the due date), saying which
 * instalment of how many and the total, and the early-payment discount on it while one can still
 * be had (paid by the discount's last day or the instalment's due date, whichever is first).
 * Undefined when nothing is payable.
 */
export function demandReceivedEvent(
  demand: Demand,
  portalUrl: string,
  today = todayInIndia(),
): DemandReceived | undefined {
  const next = firstOpen(demand);
  if (!next || !OPEN_DEMAND_STATUSES.includes(demand.status)) return undefined;
  const rule = demand.earlyDiscount;
  // The earlier of the discount's last day and the instalment's due date (ISO days sort as text).
  const payBy = rule && [rule.until, next.dueDate].sort()[0];
  const off = rule && payBy && payBy >= today ? discountOn(rule, next.dueDate, next.amountMinor, payBy) : 0;
  const count = demand.instalments.length;
  return {
    kind: 'demand_received',
    ...payerOf(demand),
    reference: demand.reference,
    providerName: providerOf(demand),
    amountMinor: next.amountMinor,
    currency: demand.currency,
    dueDate: next.dueDate,
    payUrl: demandPayUrl(portalUrl, demand.reference),
    ...(count > 1 ? { plan: { number: next.number, count, totalMinor: demand.totalMinor } } : {}),
    ...(off > 0 && payBy ? { discount: { amountMinor: off, until: payBy } } : {}),
  };
}

/** The total before an amendment, when its lines changed (the audit keeps the lines before). */
function totalBefore(changes: readonly FieldChange[]): number | undefined {
  const lines = changes.find((c) => c.path === 'lines')?.before;
  if (!Array.isArray(lines)) return undefined;
  return lines.reduce(
    (sum: number, line: { totalMinor?: number; amountMinor?: number; taxMinor?: number }) =>
      sum + (line.totalMinor ?? (line.amountMinor ?? 0) + (line.taxMinor ?? 0)),
    0,
  );
}

/** Whether an amendment moved a due date: the demand's, or any instalment's. */
function datesMoved(changes: readonly FieldChange[]): boolean {
  const days = (plan: unknown) =>
    Array.isArray(plan) ? plan.map((i: { dueDate?: string }) => i.dueDate ?? '').join(',') : '';
  return changes.some((c) => c.path === 'dueDate' || (c.path === 'instalments' && days(c.before) !== days(c.after)));
}

/**
 * The `demand_amended` event of a demand whose last change was an amendment: its new total (and
 * the one before, when the lines changed), what is asked next, and whether due dates moved; keyed
 * on the version, so each amendment is told once. Undefined when the last change was not an
 * amendment, or nothing is open to pay.
 */
export function demandAmendedEvent(demand: Demand, portalUrl: string): DemandAmended | undefined {
  const last = demand.audit.at(-1);
  const next = firstOpen(demand);
  if (last?.action !== 'amended' || !next || !OPEN_DEMAND_STATUSES.includes(demand.status)) return undefined;
  const previous = totalBefore(last.changes);
  return {
    kind: 'demand_amended',
    ...payerOf(demand),
    reference: demand.reference,
    providerName: providerOf(demand),
    version: demand.version,
    amountMinor: demand.totalMinor,
    currency: demand.currency,
    ...(previous !== undefined && previous !== demand.totalMinor ? { previousMinor: previous } : {}),
    next: {
      number: next.number,
      count: demand.instalments.length,
      amountMinor: next.amountMinor,
      dueDate: next.dueDate,
    },
    datesChanged: datesMoved(last.changes),
    payUrl: demandPayUrl(portalUrl, demand.reference),
  };
}

/**
 * The `demand_cancelled` event of a cancelled demand: what was still to pay (the instalments the
 * cancellation closed), what the payer had paid before, and the demand's page; keyed on the version.
 */
export function demandCancelledEvent(demand: Demand, portalUrl: string): DemandCancelled | undefined {
  if (demand.status !== 'cancelled') return undefined;
  const closed = demand.instalments.filter((i) => i.status === 'cancelled');
  return {
    kind: 'demand_cancelled',
    ...payerOf(demand),
    reference: demand.reference,
    providerName: providerOf(demand),
    version: demand.version,
    amountMinor: closed.reduce((sum, i) => sum + i.amountMinor, 0),
    currency: demand.currency,
    paidMinor: demand.paidMinor,
    pageUrl: demandPayUrl(portalUrl, demand.reference),
  };
}

/**
 * The message a demand's current state calls for: cancelled -> demand_cancelled; last changed by
 * an amendment -> demand_amended; else demand_received. Each is deduplicated (the reference, and
 * the version for a change), so telling a demand again sends nothing new.
 */
export function demandNoticeOf(
  demand: Demand,
  portalUrl: string,
): DemandReceived | DemandAmended | DemandCancelled | undefined {
  if (demand.status === 'cancelled') return demandCancelledEvent(demand, portalUrl);
  if (demand.audit.at(-1)?.action === 'amended') return demandAmendedEvent(demand, portalUrl);
  return demandReceivedEvent(demand, portalUrl);
}

/**
 * The demand routes' notifier hook: tells each payer of `demands` what the demand's state calls
 * for (demandNoticeOf: raised, amended or cancelled; one message per channel, deduplicated, so an
 * idempotent retry sends nothing new and heals a notice a crash lost). A failure to record or send
 * is logged, never thrown: the demand exists either way, and a record left queued is sent again by
 * the worker's sweep.
 */
export function demandNotices(deps: DemandNoticeDeps): (demands: readonly Demand[]) => Promise<void> {
  const tell = async (demand: Demand) => {
    const event = demandNoticeOf(demand, deps.portalUrl);
    if (!event) return;
    try {
      await deps.notifications.notify(event);
    } catch (error) {
      deps.log.warn(
        { reference: demand.reference, kind: event.kind, why: (error as Error).message },
        'demand notice not sent now; the sweep retries it',
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
