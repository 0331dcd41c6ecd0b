import type { Model } from 'mongoose';

/**
 * The document `id` when it also has every value in `where` (compared with ===), else null. It is
 * read by `_id` alone and compared here: mongo-java-server (the MongoDB these machines run) uses
 * an index only for a query on exactly that index's fields, so for `{ _id, citizenSub }` it scans
 * the collection in insertion order up to the document, 3 ms at the end of 20,000 documents
 * against 0.3 ms by `_id` (docs/performance.md). A MongoDB server answers both from the `_id`
 * index. For reads only: a conditional update keeps its condition in its filter, where it is atomic.
 */
export async function findByIdWhere<T extends object>(
  // biome-ignore lint/suspicious/noExplicitAny: any model; the caller names the lean shape it reads.
  model: Model<any>,
  id: string,
  where: Partial<Record<keyof T, string | boolean>>,
): Promise<T | null> {
  const found = await model.findById(id).lean<T>().exec();
  if (!found) return null;
  for (const [field, value] of Object.entries(where)) {
    if ((found as Record<string, unknown>)[field] !== value) return null;
  }
  return found;
}
