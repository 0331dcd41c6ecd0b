import { z } from 'zod';
import {
  type Demand,
  type DemandModel,
  outstandingTotal,
  type ProviderDemandFilter,
  providerDemandQuery,
} from '../../demands/index.js';
import { demandPageSchema } from '../response-schemas.js';

/** What a provider's filtered demands add up to, paise. */
export interface DemandTotals {
  /** How many demands match the filter (every page together). */
  demands: number;
  /** Collected: what payers paid for them (late fees in, discounts out). */
  collectedMinor: number;
  /** Still to collect: the open instalments of demands that can still be paid (before late fees or discounts). */
  outstandingMinor: number;
}

/** The totals' JSON: beside a page of demands, for the whole filter. */
export const demandTotalsSchema = z.object({
  demands: z.number().int().meta({ description: 'demands matching the filter, on every page' }),
  collectedMinor: z.number().int().meta({ description: 'paid for them, paise (late fees in, discounts out)' }),
  outstandingMinor: z
    .number()
    .int()
    .meta({ description: 'open instalments of demands still payable, paise, before late fees and discounts' }),
});

/** The provider's listing: a page of demands and the totals of everything the filter matches. */
export const demandListSchema = demandPageSchema.extend({ totals: demandTotalsSchema });

/**
 * Adds up one provider's demands matching `filter` (the list's and the export's filter), reading
 * only the amounts (a projection, streamed) so a large filter costs no more than its numbers. A
 * cancelled demand's paid instalments count as collected; nothing of it is outstanding.
 */
export async function demandTotals(
  model: DemandModel,
  providerId: string,
  filter: ProviderDemandFilter,
): Promise<DemandTotals> {
  const totals: DemandTotals = { demands: 0, collectedMinor: 0, outstandingMinor: 0 };
  const cursor = model
    .find(providerDemandQuery(providerId, filter))
    .select({ status: 1, paidMinor: 1, 'instalments.status': 1, 'instalments.amountMinor': 1 })
    .lean<Pick<Demand, 'status' | 'paidMinor' | 'instalments'>>()
    .cursor();
  for await (const demand of cursor) {
    totals.demands += 1;
    totals.collectedMinor += demand.paidMinor ?? 0;
    if (demand.status !== 'cancelled') totals.outstandingMinor += outstandingTotal(demand.instalments ?? []);
  }
  return totals;
}
