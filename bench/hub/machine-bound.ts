import { rateBound, type ScalingBound, scalingBound } from '../shared/machine-bound.js';
import type { CapacityPhase } from './capacity.js';

/**
 * What the machine's CPU allows the hub's pipeline in one run, beside the goals that need more of it
 * (issue 14: checkout p99 < 150 ms at 16 citizens, lines settled/s ≥ 50% of the DB ceiling,
 * settlement scaling with a second worker). Upper bounds: each operation keeps the CPU it cost in
 * the run (bench/shared/machine-bound.ts).
 */
export interface HubMachineBound {
  /** Checkouts/s at full CPU: cores × 1,000 / (CPU ms per checkout of every process, the load generator's too). */
  checkoutsPerSecond: number;
  /**
   * The window's checkout p99 scaled to that rate, ms: citizens who never pause make a closed loop,
   * whose every latency shrinks with the rate it runs at (Little's law) while the hub is the queue.
   * An estimate, not a bound.
   */
  checkoutP99AtBoundMs: number;
  /**
   * Cores a checkout p99 of `checkoutP99GoalMs` needs on the same estimate: the rate that p99
   * comes at (the run's rate × its p99 / the goal) times the CPU per checkout. 1 decimal.
   */
  coresForCheckoutP99Goal: number;
  /** From the settlement capacity phases (a backlog drained by 1, then more workers), when they ran. */
  settlement?: {
    /** CPU the 1-worker drain's servers kept busy, % of one core (at most the machine's). */
    oneWorkerBusyPercent: number;
    /** More workers over one, at most: the 1-worker drain's CPU against the machine's (goal 2x for 2 workers). */
    workerScaling: ScalingBound;
    /**
     * Lines settled/s at full CPU: the best phase's lines/s per core it kept busy, times the cores.
     * Lines/s and CPU per line span different times (receipts follow the last settlement), so the
     * phases' busy CPU is the measure, not their CPU per line.
     */
    linesPerSecond: number;
    /** That rate as % of the DB-bound ceiling. */
    ceilingPercent: number;
    /** Cores that `ceilingGoalPercent` of the ceiling needs at that phase's lines/s per busy core. */
    coresForCeilingGoal: number;
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The machine's bound on the hub's run. `cpuMsPerCheckout` counts every server process and
 * `loadgenMsPerCheckout` the citizens' load generator (both CPU ms per paid checkout, same window);
 * `phases` are the capacity phases (none = not run); `ceilingLinesPerSecond` the DB-bound ceiling
 * (raw update rate / writes per line). Throws RangeError when the window used no CPU.
 */
export function hubMachineBound(run: {
  cores: number;
  cpuMsPerCheckout: number;
  loadgenMsPerCheckout: number;
  checkoutsPerSecond: number;
  checkoutP99Ms: number;
  checkoutP99GoalMs: number;
  phases: CapacityPhase[];
  ceilingLinesPerSecond: number;
  ceilingGoalPercent: number;
}): HubMachineBound {
  const msPerCheckout = run.cpuMsPerCheckout + run.loadgenMsPerCheckout;
  const checkoutsPerSecond = rateBound(run.cores, msPerCheckout);
  const rateForGoal = (run.checkoutsPerSecond * run.checkoutP99Ms) / run.checkoutP99GoalMs;
  const bound: HubMachineBound = {
    checkoutsPerSecond,
    checkoutP99AtBoundMs: Math.round((run.checkoutP99Ms * run.checkoutsPerSecond) / checkoutsPerSecond),
    coresForCheckoutP99Goal: round1((rateForGoal * msPerCheckout) / 1000),
  };
  const one = run.phases.find((p) => p.workers === 1 && p.linesPerSecond > 0 && p.busyPercent > 0);
  if (!one || !(run.ceilingLinesPerSecond > 0)) return bound;
  // The servers' CPU over the drain's own span (no citizens load it then); sampling can read a
  // full machine as slightly over it, which is read as full.
  const busyOf = (p: CapacityPhase) => Math.min(p.busyPercent, run.cores * 100);
  const perCore = Math.max(
    ...run.phases
      .filter((p) => p.linesPerSecond > 0 && p.busyPercent > 0)
      .map((p) => p.linesPerSecond / (busyOf(p) / 100)),
  );
  const linesPerSecond = round1(perCore * run.cores);
  const oneWorkerBusyPercent = busyOf(one);
  bound.settlement = {
    oneWorkerBusyPercent,
    workerScaling: scalingBound({ cores: run.cores, benchPercent: oneWorkerBusyPercent, loadGeneratorPercent: 0 }, 2),
    linesPerSecond,
    ceilingPercent: round1((linesPerSecond / run.ceilingLinesPerSecond) * 100),
    coresForCeilingGoal: round1((run.ceilingLinesPerSecond * (run.ceilingGoalPercent / 100)) / perCore),
  };
  return bound;
}
