import mongoose from 'mongoose';

/** The collection methods that write: an insertMany is one write, as the benchmark counts it. */
const WRITE_METHODS = new Set([
  'insertOne',
  'insertMany',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'bulkWrite',
]);

/**
 * Runs `work` while counting the writes mongoose sends to `collections` (its debug hook, as
 * bench/hub/probe.ts counts them), as `<collection>.<method>` in the order they were sent. The
 * hook is process-wide: run nothing else against those collections meanwhile.
 */
export async function countWrites<T>(
  collections: readonly string[],
  work: () => Promise<T>,
): Promise<{ result: T; writes: string[] }> {
  const { result, operations } = await countOperations(collections, work);
  return { result, writes: operations.filter((op) => WRITE_METHODS.has(op.slice(op.indexOf('.') + 1))) };
}

/** As countWrites, but every operation (reads too), as `<collection>.<method>` in the order sent. */
export async function countOperations<T>(
  collections: readonly string[],
  work: () => Promise<T>,
): Promise<{ result: T; operations: string[] }> {
  const operations: string[] = [];
  mongoose.set('debug', (collection: string, method: string) => {
    if (collections.includes(collection)) operations.push(`${collection}.${method}`);
  });
  try {
    return { result: await work(), operations };
  } finally {
    mongoose.set('debug', false);
  }
}
