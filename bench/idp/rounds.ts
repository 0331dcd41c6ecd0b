import type { Measured } from './report.js';

/** What one round of a phase measured, kept beside the median round to show the spread. */
export interface RoundFigure {
  perSecond: number;
  /** CPU ms per operation of every server process (UsageReport.cpuMsPerOp.total). */
  cpuMsPerOp: number;
}

/** A phase's median round (by throughput), with every round's figures. */
export type InRounds<M extends Measured> = M & { rounds: RoundFigure[] };

/** The median of some numbers (the mean of the two middle ones for an even count); 0 for none. */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return Math.round(value * 100) / 100;
}

/** The item with the median throughput (the lower middle one of an even count). Throws on none. */
export function medianByRate<T extends { perSecond: number }>(items: T[]): T {
  if (items.length === 0) throw new Error('no rounds were measured');
  const byRate = [...items].sort((a, b) => a.perSecond - b.perSecond);
  return byRate[Math.floor((byRate.length - 1) / 2)] as T;
}

/**
 * The round with the median throughput (the lower middle one of an even count), so that its
 * figures (throughput, latency, CPU, Redis commands) all come from one window; every round's
 * throughput and CPU per operation come with it, and the first round's warm-up (the later rounds
 * only ramp). Throws on no rounds.
 */
export function medianRound<M extends Measured>(results: M[]): InRounds<M> {
  const chosen = medianByRate(results);
  const first = results[0] as M;
  return {
    ...chosen,
    // The warm-up is the first round's; later rounds only ramp.
    ...(first.warmup ? { warmup: first.warmup } : {}),
    rounds: results.map((r) => ({ perSecond: r.perSecond, cpuMsPerOp: r.usage.cpuMsPerOp.total })),
  };
}

/**
 * The median of a/b throughput over rounds, each ratio from the same round: windows a minute
 * apart share the machine's speed of that minute, which moves by more than the ratios measured.
 */
export function medianRatio(
  a: Pick<Measured, 'perSecond'>[],
  b: Pick<Measured, 'perSecond'>[],
): { median: number; perRound: number[] } {
  const perRound = a.map((r, i) => {
    const other = b[i]?.perSecond ?? 0;
    return other ? Math.round((r.perSecond / other) * 100) / 100 : 0;
  });
  return { median: median(perRound), perRound };
}
