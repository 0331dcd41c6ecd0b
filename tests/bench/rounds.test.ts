import { describe, expect, it } from 'vitest';
import type { Measured } from '../../bench/idp/report.js';
import { median, medianByRate, medianRatio, medianRound } from '../../bench/idp/rounds.js';
import { speedProbe } from '../../bench/shared/speed-probe.js';

/** A measured window with only the figures the rounds read. */
function window(perSecond: number, cpuMs: number, p50 = 0): Measured {
  return {
    perSecond,
    latencyMs: { p50 },
    usage: { cpuMsPerOp: { total: cpuMs } },
  } as unknown as Measured;
}

describe('benchmark rounds', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
  });

  it("reports the median round's own figures, with every round's in run order", () => {
    const warmup = { ms: 12_000, stable: true, windowRates: [80, 110, 118, 120] };
    const rounds = [{ ...window(150, 8, 90), warmup }, window(100, 11, 150), window(120, 9.5, 120)];
    const chosen = medianRound(rounds);
    // Only the first round warmed up; the median round reports that warm-up.
    expect(chosen.warmup).toEqual(warmup);
    // The figures of one window together: its latency goes with its throughput.
    expect(chosen.perSecond).toBe(120);
    expect(chosen.latencyMs.p50).toBe(120);
    expect(chosen.usage.cpuMsPerOp.total).toBe(9.5);
    expect(chosen.rounds).toEqual([
      { perSecond: 150, cpuMsPerOp: 8 },
      { perSecond: 100, cpuMsPerOp: 11 },
      { perSecond: 120, cpuMsPerOp: 9.5 },
    ]);
  });

  it('takes the lower middle round of an even count, and refuses none', () => {
    expect(medianRound([window(10, 1), window(40, 1), window(20, 1), window(30, 1)]).perSecond).toBe(20);
    expect(() => medianRound([])).toThrow(/no rounds/);
  });

  it('picks the item with the median rate, of any shape with a rate', () => {
    const pairs = [
      { perSecond: 140, perProcess: [70, 70] },
      { perSecond: 120, perProcess: [61, 59] },
      { perSecond: 130, perProcess: [64, 66] },
    ];
    expect(medianByRate(pairs)).toEqual({ perSecond: 130, perProcess: [64, 66] });
    expect(() => medianByRate([])).toThrow(/no rounds/);
  });

  it('divides within each round before taking the median', () => {
    // The machine ran twice as fast in the second round: both sides moved, the ratio did not.
    const cluster = [window(90, 1), window(180, 1), window(99, 1)];
    const one = [window(100, 1), window(200, 1), window(90, 1)];
    expect(medianRatio(cluster, one)).toEqual({ median: 0.9, perRound: [0.9, 0.9, 1.1] });
    expect(medianRatio([window(5, 1)], [window(0, 1)]).perRound).toEqual([0]);
  });
});

describe('speed probe', () => {
  it('times the same work in CPU milliseconds', () => {
    const ms = speedProbe(20_000);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(60_000);
  });
});
