/**
 * How many consumers each sandbox biller has on its books. The default (200 per biller) is what
 * the tests and `npm start` see; benchmarks that must pay each bill once (`npm run chaos`,
 * `npm run bench:hub`) ask for more. Generation is seeded, so a larger population starts with the
 * same consumers as the default one (the well-known fixtures included) and only adds after them.
 */

/** Consumers per biller when nothing is asked for. */
export const DEFAULT_SANDBOX_CONSUMERS = 200;
/** The fewest a sandbox accepts: its pinned fixtures and a few generated consumers. */
export const MIN_SANDBOX_CONSUMERS = 10;
/** The most: about 1 KB of bill data per consumer and biller stays well under 1 GB of heap. */
export const MAX_SANDBOX_CONSUMERS = 200_000;

/**
 * Checks a population size: an integer in [MIN_SANDBOX_CONSUMERS, MAX_SANDBOX_CONSUMERS].
 * Returns it; throws a RangeError naming `source` otherwise.
 */
export function checkedConsumerCount(count: number, source = 'consumers'): number {
  if (!Number.isInteger(count) || count < MIN_SANDBOX_CONSUMERS || count > MAX_SANDBOX_CONSUMERS) {
    throw new RangeError(
      `${source} must be a whole number from ${MIN_SANDBOX_CONSUMERS} to ${MAX_SANDBOX_CONSUMERS}, got ${count}`,
    );
  }
  return count;
}
