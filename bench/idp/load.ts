import { setTimeout as sleep } from 'node:timers/promises';

export interface PhaseOptions {
  concurrency: number;
  warmupMs: number;
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
 * Closed-loop load: `concurrency` virtual users each run `operation` back to back from the start
 * of the warm-up until the end of the window. Only operations that complete inside the window
 * count (throughput = completions / window); operations still running at its end are awaited
 * but not counted.
 */
export async function runPhase(
  options: PhaseOptions,
  operation: (user: number) => Promise<void>,
  hooks: PhaseHooks = {},
): Promise<PhaseResult> {
  const begin = performance.now();
  const windowStart = begin + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  const latencies: number[] = [];
  const errorSamples = new Map<string, number>();
  let errors = 0;

  const hookRuns: Promise<void>[] = [];
  const startTimer = setTimeout(() => hooks.onWindowStart && hookRuns.push(hooks.onWindowStart()), options.warmupMs);
  const endTimer = setTimeout(
    () => hooks.onWindowEnd && hookRuns.push(hooks.onWindowEnd()),
    options.warmupMs + options.durationMs,
  );

  const user = async (index: number) => {
    while (performance.now() < windowEnd) {
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
  await Promise.all(Array.from({ length: options.concurrency }, (_, index) => user(index)));
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  await Promise.all(hookRuns);

  latencies.sort((a, b) => a - b);
  const seconds = options.durationMs / 1000;
  const sum = latencies.reduce((total, ms) => total + ms, 0);
  return {
    concurrency: options.concurrency,
    seconds,
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
  };
}
