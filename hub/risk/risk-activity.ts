import type { Model, mongo } from 'mongoose';
import { driverCollection } from '../../infra/mongo.js';

/**
 * The checkout rules' activity documents (collection `risk_activity`): one per citizen
 * (citizen-activity.ts) and one per consumer (consumer-history.ts), told apart by their `_id`'s
 * kind prefix. They share a collection so that a checkout records the citizen's and every
 * consumer's activity in one bulk write, and reads them all back in one query by `_id`.
 */
export const RISK_ACTIVITY_COLLECTION = 'risk_activity';

/** A citizen's activity document id: `citizen|` + the citizen's subject. */
export const citizenDocId = (citizenSub: string) => `citizen|${citizenSub}`;

/** A consumer's history document id: `consumer|` + the consumer key (the bill key without its bill number). */
export const consumerDocId = (consumerKey: string) => `consumer|${consumerKey}`;

/** One update (an upsert, or a cleanup's pull) of an activity document, as a bulkWrite operation. */
export interface ActivityWrite {
  updateOne: { filter: { _id: string }; update: Record<string, unknown>; upsert?: true };
}

/** An activity document as read back: its kind's fields, by `_id`. */
export type ActivityDocs = ReadonlyMap<string, unknown>;

/**
 * Applies `writes` in one unordered bulk write, then reads every document they touched in one
 * query by `_id`, straight through the driver (the updates are built from a typed payment; see
 * driverCollection). `model` is any model of the collection. Throws what the driver throws.
 */
export async function recordActivity<T extends mongo.Document>(
  model: Model<T>,
  writes: readonly ActivityWrite[],
): Promise<ActivityDocs> {
  const collection = await driverCollection(model);
  await collection.bulkWrite(writes as unknown as mongo.AnyBulkWriteOperation<T>[], { ordered: false });
  const ids = [...new Set(writes.map((w) => w.updateOne.filter._id))];
  const docs = await collection.find({ _id: { $in: ids } } as mongo.Filter<T>).toArray();
  return new Map(docs.map((doc) => [String(doc._id), doc as unknown]));
}
