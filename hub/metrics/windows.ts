/**
 * The windows the payment metrics are computed for: the last 24 hours, 7 days or 30 days up to
 * `now`, as a half-open interval [from, to). A record belongs to a window by the instant its metric
 * names (a payment by its checkout's createdAt, a delivery by when it finished, feedback by when it
 * was given); the outcome is read as it stands at `now`.
 */
export const METRIC_WINDOWS = ['24h', '7d', '30d'] as const;
export type MetricWindow = (typeof METRIC_WINDOWS)[number];

const HOUR_MS = 3_600_000;
/** Each window's length in milliseconds. */
export const WINDOW_MS: Readonly<Record<MetricWindow, number>> = {
  '24h': 24 * HOUR_MS,
  '7d': 7 * 24 * HOUR_MS,
  '30d': 30 * 24 * HOUR_MS,
};

export interface WindowBounds {
  window: MetricWindow;
  /** Inclusive. */
  from: Date;
  /** Exclusive: `now`. */
  to: Date;
}

/** [now − length, now) of a window. */
export function windowBounds(window: MetricWindow, now: Date): WindowBounds {
  return { window, from: new Date(now.getTime() - WINDOW_MS[window]), to: now };
}

/** True when `at` lies in [from, to). */
export const inWindow = (bounds: Pick<WindowBounds, 'from' | 'to'>, at: Date | undefined): boolean =>
  at !== undefined && at.getTime() >= bounds.from.getTime() && at.getTime() < bounds.to.getTime();

export const isMetricWindow = (value: unknown): value is MetricWindow =>
  typeof value === 'string' && (METRIC_WINDOWS as readonly string[]).includes(value);
