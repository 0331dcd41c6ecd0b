import { setTimeout as sleep } from 'node:timers/promises';
import { type StableWarmupOptions, type WarmupSummary, warmUntilStable } from '../shared/stable-warmup.js';

export interface PhaseOptions {
  concurrency: number;
  /** How to warm up before the window (bench/shared/stable-warmup.ts); false = measure at once. */
  warmup: StableWarmupOptions | false;
  durationMs: number;
}

export interface PhaseResult {
  concurrency: number;
  seconds: number;
  count: number;
  errors: number;
  perSecond: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  errorSamples: string[];
  /** What the warm-up before the window saw (absent when there was none). */
  warmup?: WarmupSummary;
}

export interface PhaseHooks {
  /** Called when the measured window opens and when it closes (e.g. to sample the server's CPU). */
  onWindowStart?: () => Promise<void>;
  onWindowEnd?: () => Promise<void>;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Closed-loop load: `concurrency` virtual users each run `operation` back to back, first until
 * throughput is stable (warmUntilStable), then for the measured window. Only operations that
 * complete inside the window count (throughput = completions / window); operations still running
 * at its end are awaited but not counted.
 */
export async function runPhase(
  options: PhaseOptions,
  operation: (user: number) => Promise<void>,
  hooks: PhaseHooks = {},
): Promise<PhaseResult> {
  const latencies: number[] = [];
  const errorSamples = new Map<string, number>();
  let errors = 0;
  let completed = 0;
  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  let over = false;

  const user = async (index: number) => {
    while (!over) {
      const started = performance.now();
      let failed: unknown;
      try {
        await operation(index);
      } catch (error) {
        failed = error;
      }
      const ended = performance.now();
      const counted = ended >= windowStart && ended <= windowEnd;
      if (failed === undefined) {
        completed++;
        if (counted) latencies.push(ended - started);
        continue;
      }
      if (counted) errors++;
      const message = failed instanceof Error ? failed.message : String(failed);
      errorSamples.set(message, (errorSamples.get(message) ?? 0) + 1);
      // A failing server answers fast; do not spin on it.
      await sleep(20);
    }
  };
  const users = Promise.all(Array.from({ length: options.concurrency }, (_, index) => user(index)));
  try {
    const warmup = options.warmup === false ? undefined : await warmUntilStable(() => completed, options.warmup);
    windowStart = performance.now();
    await hooks.onWindowStart?.();
    await sleep(Math.max(0, windowStart + options.durationMs - performance.now()));
    windowEnd = performance.now();
    await hooks.onWindowEnd?.();
    over = true;
    await users;

    latencies.sort((a, b) => a - b);
    const seconds = (windowEnd - windowStart) / 1000;
    const sum = latencies.reduce((total, ms) => total + ms, 0);
    return {
      concurrency: options.concurrency,
      seconds: round(seconds, 2),
      count: latencies.length,
      errors,
      perSecond: round(latencies.length / seconds),
      latencyMs: {
        mean: round(latencies.length ? sum / latencies.length : 0),
        p50: round(percentile(latencies, 50)),
        p90: round(percentile(latencies, 90)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies.at(-1) ?? 0),
      },
      errorSamples: [...errorSamples].slice(0, 5).map(([message, times]) => `${times}x ${message}`),
      ...(warmup ? { warmup } : {}),
    };
  } finally {
    over = true;
  }
}
