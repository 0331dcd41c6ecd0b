/**
 * A value computed at most once per `ttlMs`: every caller within that time gets the same promise,
 * including callers that arrive while it is computing (one computation in flight, never several).
 * A failed computation is kept for the same time too, so a struggling database is not asked again
 * by every scrape; the next call after that computes afresh.
 */
export class SnapshotCache<T> {
  private current?: { at: number; value: Promise<T> };

  constructor(
    private readonly compute: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    const now = this.clock();
    if (this.current && now - this.current.at < this.ttlMs) return this.current.value;
    const value = this.compute();
    // Handled here so a failure nobody awaits is no unhandled rejection; callers still see it.
    value.catch(() => undefined);
    this.current = { at: now, value };
    return value;
  }
}
