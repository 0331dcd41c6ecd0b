import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Warm-up that ends when throughput has settled, not after a fixed time: JIT tiers, connection
 * pools and caches fill at different speeds on different machines, and a fixed 4 s under-measured
 * a login by a fifth on a slow machine. Throughput is sampled in equal windows; the warm-up is
 * over when the last `stableWindows` windows' rates are all within `tolerance` of their mean.
 */
export interface StableWarmupOptions {
  /** Length of one sampling window, ms (default 2000). */
  windowMs?: number;
  /** How many consecutive windows must agree (default 3). */
  stableWindows?: number;
  /** Largest relative distance of a window's rate from the windows' mean (default 0.07 = 7%). */
  tolerance?: number;
  /** Warm up at least this long, ms (default 4000). */
  minMs?: number;
  /** Give up waiting after this long, ms, and say the warm-up was not stable (default 60000). */
  maxMs?: number;
  /** The clock (tests pass a fake one): now in ms, and a wait of ms. */
  clock?: { now: () => number; sleep: (ms: number) => Promise<unknown> };
}

/** What the warm-up saw, recorded beside the figures it preceded. */
export interface WarmupSummary {
  /** Wall time the warm-up took, ms. */
  ms: number;
  /** True when the last windows agreed; false when maxMs ran out first. */
  stable: boolean;
  /** Operations per second in each window, oldest first. */
  windowRates: number[];
}

const DEFAULTS = {
  windowMs: 2000,
  stableWindows: 3,
  tolerance: 0.07,
  minMs: 4000,
  maxMs: 60_000,
  clock: { now: () => performance.now(), sleep: (ms: number) => sleep(ms) },
};

/** True when the last `count` rates lie within `tolerance` of their mean (and the mean is above 0). */
export function ratesAreStable(rates: number[], count: number, tolerance: number): boolean {
  if (rates.length < count) return false;
  const last = rates.slice(-count);
  const mean = last.reduce((sum, rate) => sum + rate, 0) / count;
  if (mean <= 0) return false;
  return last.every((rate) => Math.abs(rate - mean) / mean <= tolerance);
}

/**
 * Waits while load runs until its throughput is stable. `completed()` returns how many operations
 * have finished so far (a running counter the load keeps); `shouldStop()` ends the wait early when
 * the load itself ended. Resolves with what was seen; never rejects.
 */
export async function warmUntilStable(
  completed: () => number,
  options: StableWarmupOptions = {},
  shouldStop: () => boolean = () => false,
): Promise<WarmupSummary> {
  const settings = { ...DEFAULTS, ...options };
  const { clock } = settings;
  const began = clock.now();
  const rates: number[] = [];
  let last = completed();
  let lastAt = began;
  for (;;) {
    await clock.sleep(settings.windowMs);
    const now = clock.now();
    const count = completed();
    rates.push(((count - last) * 1000) / (now - lastAt));
    last = count;
    lastAt = now;
    const elapsed = now - began;
    const stable = ratesAreStable(rates, settings.stableWindows, settings.tolerance);
    if ((stable && elapsed >= settings.minMs) || elapsed >= settings.maxMs || shouldStop()) {
      return { ms: Math.round(elapsed), stable, windowRates: rates.map((rate) => Math.round(rate * 10) / 10) };
    }
  }
}
