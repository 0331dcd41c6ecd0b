import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from '../../infra/redis.js';
import type { MetricsReport } from './report.js';
import type { MetricWindow } from './windows.js';

/** The payment metrics for every window (computeMetrics' answer). */
export type Reports = Map<MetricWindow, MetricsReport>;

export interface SharedReportsOptions {
  /** How long one computation serves every process, ms (the hub's METRICS_CACHE_SECONDS). */
  ttlMs: number;
  /**
   * How long a process waits for another's computation before computing itself, ms. Under the 5 s
   * a cluster primary waits for its workers' figures (prom-client's AggregatorRegistry).
   */
  waitMs?: number;
  /** How often a waiting process looks for the other's answer, ms. */
  pollMs?: number;
  /** Longest a computation may hold the lock, ms, so a process that died holding it frees it. */
  lockMs?: number;
}

/**
 * computeMetrics shared by every hub process on one database through Redis, so that N processes
 * (HUB_PROCESSES, or replicas) read MongoDB once per scrape, not N times: a cluster's primary asks
 * all its workers at the same moment. The first process to miss the stored answer takes a lock
 * (`<key>:computing`) and computes, storing the answer under `key` for `ttlMs`; the others poll for
 * it, and compute themselves only if it has not come within `waitMs`. A failed computation stores
 * nothing and frees the lock, and its error reaches the caller (billpay_metrics_compute_errors_total).
 * Reports are stored as JSON (MetricsReport holds only strings and numbers).
 */
export function sharedReports(
  redis: Redis,
  key: string,
  compute: () => Promise<Reports>,
  options: SharedReportsOptions,
): () => Promise<Reports> {
  const waitMs = options.waitMs ?? 4_000;
  const pollMs = options.pollMs ?? 50;
  const lockMs = options.lockMs ?? 30_000;
  const lock = `${key}:computing`;
  const stored = async (): Promise<Reports | undefined> => {
    const text = await redis.get(key);
    return text ? new Map(JSON.parse(text) as [MetricWindow, MetricsReport][]) : undefined;
  };
  const computeAndStore = async (): Promise<Reports> => {
    const reports = await compute();
    await redis.set(key, JSON.stringify([...reports]), 'PX', Math.max(1, options.ttlMs));
    return reports;
  };
  return async () => {
    const ready = await stored();
    if (ready) return ready;
    if ((await redis.set(lock, '1', 'PX', lockMs, 'NX')) === 'OK') {
      try {
        return await computeAndStore();
      } finally {
        await redis.del(lock);
      }
    }
    for (let waited = 0; waited < waitMs; waited += pollMs) {
      await sleep(pollMs);
      const answer = await stored();
      if (answer) return answer;
      // The computing process finished without an answer (it failed) or died: stop waiting.
      if (!(await redis.exists(lock))) break;
    }
    return computeAndStore();
  };
}
