import { describe, expect, it } from 'vitest';
import { ratesAreStable, warmUntilStable } from '../../bench/shared/stable-warmup.js';

/** A clock that moves only when the warm-up sleeps: each window is exactly as long as asked. */
function fakeClock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

describe('benchmark warm-up until stable', () => {
  it('calls rates stable only when the last windows agree within the tolerance', () => {
    expect(ratesAreStable([40, 70, 90, 100, 102, 98], 3, 0.05)).toBe(true);
    expect(ratesAreStable([40, 70, 90, 100], 3, 0.05)).toBe(false);
    expect(ratesAreStable([100, 101], 3, 0.05)).toBe(false);
    expect(ratesAreStable([0, 0, 0], 3, 0.05)).toBe(false);
  });

  it('ends the warm-up once throughput settles, with the rates it saw', async () => {
    // A load whose rate climbs, then holds: 10 ops per window for two windows, then 50 for ever.
    let done = 0;
    let windows = 0;
    const summary = await warmUntilStable(
      () => {
        windows++;
        done += windows <= 3 ? 10 * windows : 50;
        return done;
      },
      { windowMs: 1000, stableWindows: 3, tolerance: 0.05, minMs: 0, maxMs: 60_000, clock: fakeClock() },
    );
    expect(summary).toEqual({ ms: 5000, stable: true, windowRates: [20, 30, 50, 50, 50] });
  });

  it('gives up at maxMs and says the warm-up was not stable', async () => {
    let done = 0;
    let flip = false;
    const summary = await warmUntilStable(
      () => {
        flip = !flip;
        done += flip ? 1 : 100;
        return done;
      },
      { windowMs: 1000, stableWindows: 3, tolerance: 0.01, minMs: 0, maxMs: 6000, clock: fakeClock() },
    );
    expect(summary).toMatchObject({ ms: 6000, stable: false });
    expect(summary.windowRates).toHaveLength(6);
  });
});
