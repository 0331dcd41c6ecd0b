import { BILLER_ID as DEMAND_BILLER_ID } from '../../adapters/payment-demands/mapping.js';
import type { Connection } from '../../infra/mongo.js';
import { type Demand, demandModel } from '../demands/index.js';
import type { RefundedDemand } from './events.js';

/** Finds the payment demand a payment line paid: its reference, provider and whether it is cancelled. */
export type DemandLookup = (line: { billerId: string; billNumber: string }) => Promise<RefundedDemand | undefined>;

/**
 * The lookup on a connection's `demands` collection: a line of the payment-demands biller names
 * its demand in its bill number (`DM-7K2QX-9ZT4M-R/2`, adapters/payment-demands/mapping.ts); any
 * other line, or a demand not found, gives undefined.
 */
export function demandLookup(conn: Connection): DemandLookup {
  return async (line) => {
    if (line.billerId !== DEMAND_BILLER_ID) return undefined;
    const reference = line.billNumber.replace(/\/\d+$/, '');
    const model = demandModel(conn);
    const demand = await model
      .findOne({ reference, live: true }, { reference: 1, providerId: 1, providerName: 1, status: 1 })
      .lean<Pick<Demand, 'reference' | 'providerId' | 'providerName' | 'status'>>()
      .exec();
    if (!demand) return undefined;
    return {
      reference: demand.reference,
      providerName: demand.providerName ?? demand.providerId,
      cancelled: demand.status === 'cancelled',
    };
  };
}
