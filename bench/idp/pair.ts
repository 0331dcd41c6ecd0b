import type { Redis } from '../../infra/redis.js';
import type { StableWarmupOptions } from '../shared/stable-warmup.js';
import { runPhase } from './load.js';
import type { ServerProcess } from './server-process.js';
import { type Snapshot, takeSnapshot, usageBetween } from './usage.js';

/** One of the two separate processes of a pair window. */
export interface PairSide {
  server: ServerProcess;
  operation: (user: number) => Promise<void>;
}

/**
 * Two separate one-process idps, each with its own users, measured over the same window: the
 * cluster's baseline. A login stays on one process here, where the cluster spreads one login's
 * requests over its workers, so cluster / pair shows what the spreading costs, and pair / one
 * process what the machine gives a second process.
 */
export interface PairMeasured {
  /** Logins/s of both processes together. */
  perSecond: number;
  count: number;
  /** CPU ms per login: both idp processes, and with redis-server and the MongoDB JVM. */
  cpuMsPerOp: { idp: number; total: number };
  /** Each process's logins/s, in the order given. */
  perProcess: number[];
  machinePercent: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Runs `usersEach` users against each side at once. Both sides warm up for the same fixed time
 * (a stable-throughput warm-up could end at different moments), so their windows coincide.
 */
export async function measurePair(
  sides: [PairSide, PairSide],
  usersEach: number,
  warmupMs: number,
  durationMs: number,
  redis: Redis,
): Promise<PairMeasured> {
  const warmup: StableWarmupOptions = { minMs: warmupMs, maxMs: warmupMs };
  const windows = await Promise.all(
    sides.map(async ({ server, operation }) => {
      let start: Snapshot | undefined;
      let end: Snapshot | undefined;
      const result = await runPhase({ concurrency: usersEach, warmup, durationMs }, operation, {
        onWindowStart: async () => {
          start = await takeSnapshot(server, redis);
        },
        onWindowEnd: async () => {
          end = await takeSnapshot(server, redis);
        },
      });
      if (!start || !end) throw new Error('the pair window was not sampled');
      return { result, usage: usageBetween(start, end, result.count, 'idp') };
    }),
  );
  const count = windows.reduce((sum, w) => sum + w.result.count, 0);
  const idpMs = windows.reduce((sum, w) => sum + w.usage.serverCpuMsPerOp * w.result.count, 0);
  // redis-server and the JVM are shared: take them once, from the first side's window.
  const [first] = windows;
  const byProcess = first?.usage.cpuMsPerOp.byProcess ?? {};
  const sharedMs = ((byProcess['redis-server'] ?? 0) + (byProcess['mongodb (java)'] ?? 0)) * (first?.result.count ?? 0);
  return {
    perSecond: round2(windows.reduce((sum, w) => sum + w.result.perSecond, 0)),
    count,
    cpuMsPerOp: { idp: round2(idpMs / Math.max(1, count)), total: round2((idpMs + sharedMs) / Math.max(1, count)) },
    perProcess: windows.map((w) => w.result.perSecond),
    machinePercent: first?.usage.machinePercent ?? 0,
  };
}
