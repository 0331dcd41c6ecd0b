import { describe, expect, it } from 'vitest';
import type { CapacityPhase } from '../../bench/hub/capacity.js';
import { hubMachineBound } from '../../bench/hub/machine-bound.js';
import { boundIfMeasured, rateBound, scalingBound } from '../../bench/shared/machine-bound.js';

const phase = (workers: number, linesPerSecond: number, cpuMsPerLine: number, busyPercent: number): CapacityPhase => ({
  workers,
  payments: 315,
  lines: 945,
  linesSettled: 700,
  linesPerSecond,
  drainMs: 1_550,
  drained: true,
  cpuMsPerLine,
  cpuMsPerLineByProcess: {},
  busyPercent,
  machinePercent: busyPercent + 3,
});

describe("the machine's bound on a benchmark's throughput", () => {
  it("bounds a second idp process by the one-process window's CPU (bench:idp's 22:22 run)", () => {
    // One process: the machine 153.2% busy, 0.5% of it outside work, 38.4% the load generator.
    const bound = scalingBound({ cores: 2, benchPercent: 153.2 - 0.5, loadGeneratorPercent: 38.4 }, 1.8);
    expect(bound).toEqual({ scaling: 1.31, scalingWithoutLoadGenerator: 1.75, coresForGoal: 2.75 });
  });

  it('reads a window sampled as slightly over the machine as a full machine', () => {
    expect(scalingBound({ cores: 2, benchPercent: 203, loadGeneratorPercent: 0 }, 2)).toEqual({
      scaling: 1,
      scalingWithoutLoadGenerator: 1,
      coresForGoal: 4.06,
    });
  });

  it('refuses a window with no CPU, and a load generator bigger than the whole', () => {
    expect(() => scalingBound({ cores: 2, benchPercent: 0, loadGeneratorPercent: 0 }, 1.8)).toThrow(RangeError);
    expect(() => scalingBound({ cores: 2, benchPercent: 40, loadGeneratorPercent: 40 }, 1.8)).toThrow(RangeError);
    expect(() => rateBound(2, 0)).toThrow(RangeError);
  });

  it('leaves out a bound the run gave nothing for, so its report is still written; other errors go on', () => {
    expect(boundIfMeasured(() => rateBound(2, 0))).toBeUndefined();
    expect(boundIfMeasured(() => rateBound(2, 10))).toBe(200);
    expect(() =>
      boundIfMeasured(() => {
        throw new TypeError('a bug, not a missing measurement');
      }),
    ).toThrow(TypeError);
  });

  it('gives the operations per second the cores allow', () => {
    expect(rateBound(2, 10.64)).toBe(188);
    expect(rateBound(4, 3.47)).toBe(1152.7);
  });
});

describe("the machine's bound on the hub's run (bench:hub's 21:28 run)", () => {
  const run = {
    cores: 2,
    cpuMsPerCheckout: 32,
    loadgenMsPerCheckout: 1.69,
    checkoutsPerSecond: 52,
    checkoutP99Ms: 326.3,
    checkoutP99GoalMs: 150,
    phases: [phase(1, 494.8, 3.47, 171.7), phase(2, 562.2, 4.3, 196)],
    ceilingLinesPerSecond: 2923.5,
    ceilingGoalPercent: 50,
  };

  it('bounds checkouts/s, and scales the p99 to that rate', () => {
    const bound = hubMachineBound(run);
    // 2,000 CPU ms/s over 33.69 ms per checkout; 326.3 ms × 52 / 59.4.
    expect(bound.checkoutsPerSecond).toBe(59.4);
    expect(bound.checkoutP99AtBoundMs).toBe(286);
    // 150 ms at 52 × 326.3 / 150 = 113.1 checkouts/s × 33.69 ms = 3.8 cores.
    expect(bound.coresForCheckoutP99Goal).toBe(3.8);
  });

  it("bounds settlement by the one-worker drain's CPU and the best lines/s per busy core", () => {
    const { settlement } = hubMachineBound(run);
    // The drain kept 171.7% of a core busy: at most 200 / 171.7 = 1.16x with more workers (it measured 1.14x).
    expect(settlement).toEqual({
      oneWorkerBusyPercent: 171.7,
      workerScaling: { scaling: 1.16, scalingWithoutLoadGenerator: 1.16, coresForGoal: 3.43 },
      linesPerSecond: 576.4,
      ceilingPercent: 19.7,
      coresForCeilingGoal: 5.1,
    });
  });

  it('reads a drain sampled as slightly over the machine as a full machine', () => {
    const { settlement } = hubMachineBound({
      ...run,
      phases: [phase(1, 445.1, 4.79, 201.3), phase(2, 470.3, 4.22, 199)],
    });
    expect(settlement?.oneWorkerBusyPercent).toBe(200);
    expect(settlement?.workerScaling).toEqual({ scaling: 1, scalingWithoutLoadGenerator: 1, coresForGoal: 4 });
    expect(settlement?.linesPerSecond).toBe(472.7);
  });

  it("bounds lines/s by each phase's rate per busy core, never below a rate it measured (the 23:47 run)", () => {
    // 681.1 lines/s × 3.54 ms per line reads 241%: receipts' CPU follows the last settlement.
    const { settlement } = hubMachineBound({
      ...run,
      phases: [phase(1, 681.1, 3.54, 164.2), phase(2, 525.7, 4.13, 192.2)],
      ceilingLinesPerSecond: 3742.1,
    });
    // 681.1 / 1.642 = 414.8 lines/s per busy core: 829.6 on 2; half of 3,742.1 needs 4.5 cores.
    expect(settlement?.linesPerSecond).toBe(829.6);
    expect(settlement?.linesPerSecond).toBeGreaterThan(681.1);
    expect(settlement?.ceilingPercent).toBe(22.2);
    expect(settlement?.coresForCeilingGoal).toBe(4.5);
    expect(settlement?.workerScaling.scaling).toBe(1.22);
  });

  it('leaves settlement out when the capacity phases did not run', () => {
    const bound = hubMachineBound({ ...run, phases: [] });
    expect(bound.settlement).toBeUndefined();
    expect(bound.checkoutsPerSecond).toBe(59.4);
  });
});
