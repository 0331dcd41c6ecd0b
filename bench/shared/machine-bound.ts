/**
 * What a machine's CPU allows a measured workload, read from the benchmark's own window: if every
 * operation keeps the CPU it cost there (all processes, the load generator's too), throughput can
 * grow only until the machine's cores are full. The benchmarks print these beside goals that need
 * more cores than the machine has, so a run shows whether a missed goal was reachable here at all.
 * The bounds are upper bounds: a second process that costs more per operation (a cluster does,
 * docs/performance.md) gets less.
 */

/** A measured window's CPU, % of one core (100 = one core, cores × 100 = the machine). */
export interface BusyWindow {
  cores: number;
  /** CPU of the benchmark's own processes (servers, stores, load generator): the machine's less outside work. */
  benchPercent: number;
  /** The load generator's part of `benchPercent` (0 when it sent nothing in the window). */
  loadGeneratorPercent: number;
}

export interface ScalingBound {
  /** The most throughput can grow on this machine: cores × 100 over `benchPercent`, 2 decimals. */
  scaling: number;
  /** The same with the load generator's CPU off the machine (as if it ran on another). */
  scalingWithoutLoadGenerator: number;
  /** Cores the goal's scaling needs at the window's CPU per operation (goal × benchPercent / 100), 2 decimals. */
  coresForGoal: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The most a workload's throughput can be multiplied on this machine (a second server process, a
 * second worker), and the cores `goal` (e.g. 1.8 for "2 processes ≥ 1.8x one") would need. One
 * idp process kept 153% of a 2-core machine busy, 38% of it the load generator: at most
 * 200 / 153 = 1.31x, 200 / 115 = 1.74x with the load generator elsewhere, and 1.8x needs 2.75 cores.
 * Throws RangeError when the window used no CPU, or when the load generator's part is not less
 * than the whole.
 */
export function scalingBound(window: BusyWindow, goal: number): ScalingBound {
  const { cores, benchPercent, loadGeneratorPercent } = window;
  if (!(benchPercent > 0) || !(cores > 0)) {
    throw new RangeError(`no CPU to bound: ${benchPercent}% busy on ${cores} cores`);
  }
  if (!(loadGeneratorPercent >= 0 && loadGeneratorPercent < benchPercent)) {
    throw new RangeError(`the load generator's ${loadGeneratorPercent}% is not a part of ${benchPercent}%`);
  }
  // Sampling can read a full machine as slightly over its cores; it cannot be more than full.
  const busy = Math.min(benchPercent, cores * 100);
  const servers = Math.min(benchPercent - loadGeneratorPercent, cores * 100);
  return {
    scaling: round2((cores * 100) / busy),
    scalingWithoutLoadGenerator: round2((cores * 100) / servers),
    coresForGoal: round2((goal * benchPercent) / 100),
  };
}

/**
 * Operations per second the machine's CPU allows at `cpuMsPerOperation` (CPU ms of every process
 * per operation): cores × 1,000 ms / ms per operation, 1 decimal. 2 cores at 10.6 ms per settled
 * line: 188.7 lines/s. Throws RangeError when the cost is not positive.
 */
export function rateBound(cores: number, cpuMsPerOperation: number): number {
  if (!(cpuMsPerOperation > 0)) throw new RangeError(`no CPU per operation to bound: ${cpuMsPerOperation} ms`);
  return Math.round(((cores * 1000) / cpuMsPerOperation) * 10) / 10;
}

/**
 * `bound()`, or undefined when the run gave it nothing to bound (the RangeError of a window with
 * no CPU or no completed operation), so that a run's report is still written and printed. Other
 * errors are thrown.
 */
export function boundIfMeasured<T>(bound: () => T): T | undefined {
  try {
    return bound();
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}
