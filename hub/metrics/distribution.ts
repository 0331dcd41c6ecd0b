/**
 * The bucket bounds (seconds) of capture→settled times, shared by the worker's Prometheus
 * histogram and the distribution the operator API reports, so the two read alike: a biller that
 * answers at once settles in seconds; one that leaves a posting pending for status enquiries, in
 * minutes to hours; an unknown outcome resolved the next day, in a day.
 */
export const SETTLE_BUCKETS_SECONDS = [1, 2, 5, 10, 30, 60, 120, 300, 600, 1_800, 3_600, 14_400, 86_400] as const;

/** A distribution of durations in seconds. */
export interface Distribution {
  count: number;
  /** null when count is 0, as are the quantiles and the maximum. */
  meanSeconds: number | null;
  /** Nearest-rank quantiles: the smallest value with at least q of the values at or below it. */
  p50Seconds: number | null;
  p90Seconds: number | null;
  p99Seconds: number | null;
  maxSeconds: number | null;
  /** Cumulative counts at or below each bound, then `+Inf` (Prometheus' `le` convention). */
  buckets: { le: number | '+Inf'; count: number }[];
}

/** Nearest-rank quantile of sorted values (q in (0, 1]). */
function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? null;
}

/** The distribution of `values` (seconds) over `bounds`. */
export function distributionOf(
  values: readonly number[],
  bounds: readonly number[] = SETTLE_BUCKETS_SECONDS,
): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    meanSeconds: sorted.length ? sum / sorted.length : null,
    p50Seconds: quantile(sorted, 0.5),
    p90Seconds: quantile(sorted, 0.9),
    p99Seconds: quantile(sorted, 0.99),
    maxSeconds: sorted.at(-1) ?? null,
    buckets: [
      ...bounds.map((le) => ({ le, count: sorted.filter((v) => v <= le).length })),
      { le: '+Inf' as const, count: sorted.length },
    ],
  };
}

/** part / whole, or null when whole is 0 (a rate of nothing is not 0 %). */
export const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
