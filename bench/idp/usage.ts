import { cpus } from 'node:os';
import type { Redis } from '../../infra/redis.js';
import { machineTimes } from '../shared/proc-stat.js';
import { foreignProcessShares, type ProcessSample, sampleProcesses } from '../shared/process-cpu.js';
import { type ProcessTreeCpu, processTreeCpu } from '../shared/process-tree.js';
import type { ServerStats } from './protocol.js';
import type { ServerProcess } from './server-process.js';

/** CPU ms (user+sys, all threads, from /proc) of the server child and every process below it (cluster workers). */
export type ServerCpu = ProcessTreeCpu;

/** What the machine, the server, this load generator and Redis did up to one instant. */
export interface Snapshot {
  server: ServerStats;
  serverCpu: ServerCpu;
  client: NodeJS.CpuUsage;
  machine: { busy: number; total: number };
  processes: ProcessSample;
  redisCalls: Map<string, number>;
  atMs: number;
}

/** Resource use over a measured window, per second of wall time or per completed operation. */
export interface UsageReport {
  /** Server CPU (every server process: a cluster primary and its workers) in % of one core. */
  serverPercent: number;
  /** How many processes served (cluster workers, or 1). */
  serverProcesses: number;
  /** Mean share of wall time the serving processes' event loops were not idle; ~1 = their JS threads are the limit. */
  serverEventLoopUtilization: number;
  serverCpuMsPerOp: number;
  /**
   * CPU ms per completed operation of every server-side process: the idp's (or bare provider's)
   * processes, redis-server and the MongoDB JVM; `byProcess` names each ("idp worker 2", "redis-server").
   * The load generator is not in it (loadGeneratorCpuMsPerOp).
   */
  cpuMsPerOp: { total: number; byProcess: Record<string, number> };
  loadGeneratorCpuMsPerOp: number;
  /**
   * cpuMsPerOp.total ÷ loadGeneratorCpuMsPerOp, from the window's unrounded CPU times: the servers'
   * CPU per operation in units of the load generator's own CPU for that operation (its HTTP,
   * parsing and token checks, which no idp change alters). Both slow down alike when the machine
   * does, so this figure holds where the absolute ones move with the machine's speed: a run at
   * 2026-12-01 21:58 measured every CPU figure 1.5-1.7x the README's and this ratio within 1.7-12%.
   */
  cpuPerClientCpu: number;
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
  /** MongoDB operations the server processes sent (mongoose's, by the idp only) per operation. */
  mongoOpsPerOp: number;
  /** The same by `<collection>.<method>`, most frequent first. */
  mongoOpsByKindPerOp: Record<string, number>;
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
    serverCpu: processTreeCpu(server.pid),
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

/** How a server process is named in the per-process breakdown: by its role in the stats, else its command. */
function processLabel(server: ServerStats, pid: number, comm: string, name: string): string {
  const known = server.processes.find((p) => p.pid === pid);
  if (!known) return `${name} ${comm}`;
  if (known.role === 'single') return name;
  return known.role === 'primary' ? `${name} primary` : `${name} worker ${known.worker}`;
}

/**
 * Calls counted between two cumulative snapshots (Redis commands, MongoDB operations), per
 * completed operation: in all (`total`) and by kind, most frequent first. Kinds `counted` refuses
 * (the benchmark's own INFO) are left out; with 0 operations the total is 0 and kinds give raw counts.
 */
function countsPerOp(
  before: Map<string, number>,
  after: Map<string, number>,
  operations: number,
  counted: (kind: string) => boolean = () => true,
): { total: number; byKind: [kind: string, perOp: number][] } {
  const divisor = Math.max(1, operations);
  let total = 0;
  const byKind: [string, number][] = [];
  for (const [kind, calls] of after) {
    const delta = calls - (before.get(kind) ?? 0);
    if (delta <= 0 || !counted(kind)) continue;
    total += delta;
    byKind.push([kind, delta / divisor]);
  }
  return { total: operations > 0 ? total / operations : 0, byKind: byKind.sort((x, y) => y[1] - x[1]) };
}

/** Resource use between two snapshots; `name` labels the server's processes ("idp", "bare provider"). */
export function usageBetween(a: Snapshot, b: Snapshot, operations: number, name = 'server'): UsageReport {
  const cores = cpus().length;
  const wallMs = Math.max(1, b.atMs - a.atMs);
  const perServerProcess = new Map<string, number>();
  for (const [pid, { comm, cpuMs }] of b.serverCpu) {
    const label = processLabel(b.server, pid, comm, name);
    perServerProcess.set(label, (perServerProcess.get(label) ?? 0) + cpuMs - (a.serverCpu.get(pid)?.cpuMs ?? 0));
  }
  const serverMs = [...perServerProcess.values()].reduce((total, ms) => total + ms, 0);
  const clientMs = (b.client.user + b.client.system - a.client.user - a.client.system) / 1000;
  const processMs = (comm: string) => (b.processes.ours.get(comm) ?? 0) - (a.processes.ours.get(comm) ?? 0);
  let descendantsMs = 0;
  for (const [comm, ms] of b.processes.ours) descendantsMs += ms - (a.processes.ours.get(comm) ?? 0);
  const machineShare = (b.machine.busy - a.machine.busy) / Math.max(1, b.machine.total - a.machine.total);
  const active = b.server.elu.active - a.server.elu.active;
  const idle = b.server.elu.idle - a.server.elu.idle;
  const machinePercent = round1(machineShare * cores * 100);
  const ours = ((clientMs + descendantsMs) / wallMs) * 100;
  const perOpMs = (ms: number) => (operations ? Math.round((ms / operations) * 100) / 100 : 0);
  const byProcess: Record<string, number> = {};
  for (const [label, ms] of perServerProcess) byProcess[label] = perOpMs(ms);
  byProcess['redis-server'] = perOpMs(processMs('redis-server'));
  byProcess['mongodb (java)'] = perOpMs(processMs('java'));
  const totalMs = serverMs + processMs('redis-server') + processMs('java');

  const redis = countsPerOp(a.redisCalls, b.redisCalls, operations, (command) => command !== 'info');
  const mongo = countsPerOp(
    new Map(Object.entries(a.server.mongoOps)),
    new Map(Object.entries(b.server.mongoOps)),
    operations,
  );

  return {
    serverPercent: round1((serverMs / wallMs) * 100),
    serverProcesses: Math.max(1, b.server.processes.filter((p) => p.role !== 'primary').length),
    serverEventLoopUtilization: Math.round((active / Math.max(1, active + idle)) * 100) / 100,
    serverCpuMsPerOp: perOpMs(serverMs),
    cpuMsPerOp: { total: perOpMs(totalMs), byProcess },
    loadGeneratorCpuMsPerOp: perOpMs(clientMs),
    cpuPerClientCpu: clientMs > 0 ? Math.round((totalMs / clientMs) * 100) / 100 : 0,
    loadGeneratorPercent: round1((clientMs / wallMs) * 100),
    redisPercent: round1((processMs('redis-server') / wallMs) * 100),
    mongoPercent: round1((processMs('java') / wallMs) * 100),
    machinePercent,
    foreignPercent: round1(Math.max(0, machinePercent - ours)),
    foreignProcesses: foreignProcessShares(a.processes, b.processes, wallMs),
    redisCommandsPerOp: Math.round(redis.total * 10) / 10,
    topRedisCommandsPerOp: Object.fromEntries(redis.byKind.slice(0, 8).map(([command, n]) => [command, round1(n)])),
    mongoOpsPerOp: Math.round(mongo.total * 100) / 100,
    mongoOpsByKindPerOp: Object.fromEntries(mongo.byKind.map(([kind, n]) => [kind, Math.round(n * 100) / 100])),
    cores,
  };
}
