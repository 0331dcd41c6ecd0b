import { describe, expect, it } from 'vitest';
import { cpuPerOperation } from '../../bench/hub/report.js';
import type { WindowUsage } from '../../bench/hub/usage.js';

const usage = (cpuMs: Record<string, number>): WindowUsage => ({
  seconds: 60,
  processes: Object.fromEntries(Object.entries(cpuMs).map(([name, ms]) => [name, { cpuPercent: 0, cpuMs: ms }])),
  machinePercent: 176,
  cores: 2,
  foreignPercent: 1,
  foreignProcesses: {},
  mongoOps: { hub: {}, worker: {} },
  redisCommands: {},
});

describe("bench:hub's CPU per operation", () => {
  it("gives the servers' CPU per checkout and per line, and over the load generator's (the 23:50 run's shape)", () => {
    // 4,116 checkouts, 12,348 lines; the servers 99,730 CPU ms, the load generator 5,104.
    const cpu = cpuPerOperation(
      usage({
        hub: 47_746,
        worker: 18_275,
        mongo: 18_892,
        sandboxes: 5_845,
        gateway: 5_351,
        redis: 3_621,
        loadgen: 5_104,
      }),
      12_348,
      4_116,
    );
    expect(cpu.msPerCheckout).toBe(24.23);
    expect(cpu.msPerLine).toBe(8.08);
    expect(cpu.loadgenMsPerCheckout).toBe(1.24);
    expect(cpu.cpuPerClientCpu).toBe(19.54);
    expect(Object.keys(cpu.perCheckoutByProcess)).toEqual(['hub', 'mongo', 'worker', 'sandboxes', 'gateway', 'redis']);
  });

  it('gives 0, not a division by nothing, when the window had no checkout or no load generator CPU', () => {
    const cpu = cpuPerOperation(usage({ hub: 100 }), 0, 0);
    expect(cpu).toMatchObject({ msPerCheckout: 0, msPerLine: 0, loadgenMsPerCheckout: 0, cpuPerClientCpu: 0 });
  });
});
