/**
 * A line that retrying cannot move on (no gateway order, a refund the gateway refuses for good):
 * its job fails at once and says why; the sweeper brings the line back later for another look.
 */
export class NeedsOperatorError extends Error {
  override name = 'NeedsOperatorError';
}

/** The gateway took the refund but has not finished it: ask again later with the same key. */
export class RefundPendingError extends Error {
  override name = 'RefundPendingError';
}
