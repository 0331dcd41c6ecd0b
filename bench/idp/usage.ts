import { cpus } from 'node:os';
import type { Redis } from '../../infra/redis.js';
import { machineTimes } from '../shared/proc-stat.js';
import { foreignProcessShares, type ProcessSample, sampleProcesses } from '../shared/process-cpu.js';
import type { ServerStats } from './protocol.js';
import type { ServerProcess } from './server-process.js';

/** What the machine, the server, this load generator and Redis did up to one instant. */
export interface Snapshot {
  server: ServerStats;
  client: NodeJS.CpuUsage;
  machine: { busy: number; total: number };
  processes: ProcessSample;
  redisCalls: Map<string, number>;
  atMs: number;
}

/** Resource use over a measured window, per second of wall time or per completed operation. */
export interface UsageReport {
  /** Server process CPU in % of one core (main thread, GC threads and libuv pool, e.g. WebCrypto RSA). */
  serverPercent: number;
  /** Share of wall time the server's event loop was not idle; ~1 = its one JS thread is the limit. */
  serverEventLoopUtilization: number;
  serverCpuMsPerOp: number;
  loadGeneratorPercent: number;
  redisPercent: number;
  mongoPercent: number;
  /** The whole machine (all cores; 100 = one core), as the kernel counts it. */
  machinePercent: number;
  /**
   * Machine CPU that no process of this benchmark used: other work on the machine (another
   * session's tsc or vitest, other containers on the VM), or MongoDB/Redis given by URL.
   */
  foreignPercent: number;
  /** The visible processes behind foreignPercent, % of one core by command name. */
  foreignProcesses: Record<string, number>;
  /** Redis commands (all clients, incl. the load generator's one LRANGE per login) per operation. */
  redisCommandsPerOp: number;
  topRedisCommandsPerOp: Record<string, number>;
  cores: number;
}

async function redisCommandCalls(redis: Redis | undefined): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  if (!redis) return calls;
  const info = await redis.info('commandstats').catch(() => '');
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1] as string, Number(match[2]));
  return calls;
}

export async function takeSnapshot(server: ServerProcess, redis?: Redis): Promise<Snapshot> {
  const [stats, redisCalls] = await Promise.all([server.stats(), redisCommandCalls(redis)]);
  return {
    server: stats,
    client: process.cpuUsage(),
    machine: machineTimes(),
    processes: sampleProcesses(),
    redisCalls,
    atMs: Date.now(),
  };
}

/** Machine CPU in % (100 = one core) over a quiet stretch: what else runs on this VM. */
export async function backgroundLoad(ms: number): Promise<number> {
  const before = machineTimes();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = machineTimes();
  const share = (after.busy - before.busy) / Math.max(1, after.total - before.total);
  return Math.round(share * cpus().length * 1000) / 10;
}

/**
 * Other work may share the cores (another session's tsc or vitest, other containers on the VM):
 * waits up to `maxWaitMs` for a second in which the machine is below `thresholdPercent`.
 */
export async function waitForQuiet(
  maxWaitMs: number,
  thresholdPercent = 25,
): Promise<{ waitedMs: number; load: number }> {
  const started = Date.now();
  let load = await backgroundLoad(1000);
  while (load > thresholdPercent && Date.now() - started < maxWaitMs) load = await backgroundLoad(1000);
  return { waitedMs: Date.now() - started, load };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function usageBetween(a: Snapshot, b: Snapshot, operations: number): UsageReport {
  const cores = cpus().length;
  const serverWallMs = Math.max(1, b.server.atMs - a.server.atMs);
  const wallMs = Math.max(1, b.atMs - a.atMs);
  const serverMs = (b.server.cpuUs.user + b.server.cpuUs.system - a.server.cpuUs.user - a.server.cpuUs.system) / 1000;
  const clientMs = (b.client.user + b.client.system - a.client.user - a.client.system) / 1000;
  const processMs = (comm: string) => (b.processes.ours.get(comm) ?? 0) - (a.processes.ours.get(comm) ?? 0);
  let descendantsMs = 0;
  for (const [comm, ms] of b.processes.ours) descendantsMs += ms - (a.processes.ours.get(comm) ?? 0);
  const machineShare = (b.machine.busy - a.machine.busy) / Math.max(1, b.machine.total - a.machine.total);
  const active = b.server.elu.active - a.server.elu.active;
  const idle = b.server.elu.idle - a.server.elu.idle;
  const machinePercent = round1(machineShare * cores * 100);
  const ours = ((clientMs + descendantsMs) / wallMs) * 100;

  const perOp = new Map<string, number>();
  let commands = 0;
  for (const [command, calls] of b.redisCalls) {
    const delta = calls - (a.redisCalls.get(command) ?? 0);
    if (delta <= 0 || command === 'info') continue;
    commands += delta;
    perOp.set(command, delta / Math.max(1, operations));
  }
  const top = [...perOp]
    .sort((x, y) => y[1] - x[1])
    .slice(0, 8)
    .map(([command, n]) => [command, Math.round(n * 10) / 10] as const);

  return {
    serverPercent: round1((serverMs / serverWallMs) * 100),
    serverEventLoopUtilization: Math.round((active / Math.max(1, active + idle)) * 100) / 100,
    serverCpuMsPerOp: operations ? Math.round((serverMs / operations) * 100) / 100 : 0,
    loadGeneratorPercent: round1((clientMs / wallMs) * 100),
    redisPercent: round1((processMs('redis-server') / wallMs) * 100),
    mongoPercent: round1((processMs('java') / wallMs) * 100),
    machinePercent,
    foreignPercent: round1(Math.max(0, machinePercent - ours)),
    foreignProcesses: foreignProcessShares(a.processes, b.processes, wallMs),
    redisCommandsPerOp: operations ? Math.round((commands / operations) * 10) / 10 : 0,
    topRedisCommandsPerOp: Object.fromEntries(top),
    cores,
  };
}
