/** The gateway took the refund but has not finished it: ask again later with the same key. */
export class RefundPendingError extends Error {
  override name = 'RefundPendingError';
}
