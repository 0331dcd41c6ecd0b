import type { Demand, DemandModel } from './demand-model.js';
import type { DemandStatus, Payer } from './demand-types.js';

/**
 * What a provider filters its demands by (its dashboard and its API): every field optional, all
 * given ones must hold. Days are Indian calendar days YYYY-MM-DD, both ends included; `createdFrom`
 * and `createdTo` are instants (the API reads their days as IST days).
 */
export interface ProviderDemandFilter {
  statuses?: DemandStatus[];
  dueFrom?: string;
  dueTo?: string;
  /** The payer's phone (E.164) or email (lowercased), as stored. */
  payer?: Payer;
  createdFrom?: Date;
  createdTo?: Date;
}

/** The MongoDB filter of one provider's live demands matching `filter` (the index providerId+status+dueDate serves it). */
export function providerDemandQuery(providerId: string, filter: ProviderDemandFilter): Record<string, unknown> {
  const range = <T>(from?: T, to?: T) =>
    from !== undefined || to !== undefined
      ? { ...(from !== undefined ? { $gte: from } : {}), ...(to !== undefined ? { $lte: to } : {}) }
      : undefined;
  const due = range(filter.dueFrom, filter.dueTo);
  const created = range(filter.createdFrom, filter.createdTo);
  return {
    providerId,
    live: true,
    ...(filter.statuses?.length ? { status: { $in: filter.statuses } } : {}),
    ...(due ? { dueDate: due } : {}),
    ...(created ? { createdAt: created } : {}),
    ...(filter.payer?.phone ? { 'payer.phone': filter.payer.phone } : {}),
    ...(filter.payer?.email ? { 'payer.email': filter.payer.email } : {}),
  };
}

/**
 * One page of a provider's demands matching `filter`, newest first (then by id, so pages never
 * overlap or skip while nothing is created between them): `offset` demands skipped, at most `limit`
 * returned, and whether more follow.
 */
export async function pageProviderDemands(
  model: DemandModel,
  providerId: string,
  filter: ProviderDemandFilter,
  page: { limit: number; offset: number },
): Promise<{ demands: Demand[]; more: boolean }> {
  const found = await model
    .find(providerDemandQuery(providerId, filter))
    .sort({ createdAt: -1, _id: -1 })
    .skip(page.offset)
    .limit(page.limit + 1)
    .lean<Demand[]>()
    .exec();
  return { demands: found.slice(0, page.limit), more: found.length > page.limit };
}
