import { cpus } from 'node:os';
import type { Redis } from '../../infra/redis.js';
import { foreignProcessShares, type ProcessSample, sampleProcesses } from '../shared/process-cpu.js';
import { readAllStats } from '../shared/process-tree.js';
import type { ProbeSnapshot } from './probe-files.js';
import { machineTimes, treeUsageOf } from './proc.js';
import { readProbe, type Stack } from './stack.js';

/**
 * The processes whose CPU is reported, by the name the report gives them → pid. Each is measured
 * with the processes below it of its own command (a hub cluster: the primary and its workers;
 * bench/hub/proc.ts treeUsageOf).
 */
export type Watched = Record<string, number>;

export interface Snapshot {
  atMs: number;
  /** CPU ms (user + sys) of each watched process tree, and of this load generator (`loadgen`). */
  cpuMs: Record<string, number>;
  /** VmRSS of each watched process tree, summed, bytes. */
  rssBytes: Record<string, number>;
  /** Processes counted in each watched tree (1 without a cluster; a hub cluster: its primary + workers). */
  processCount: Record<string, number>;
  machine: { busy: number; total: number };
  processes: ProcessSample;
  probes: { hub?: ProbeSnapshot; worker?: ProbeSnapshot };
  redisCalls: Map<string, number>;
}

export interface ProcessUsage {
  /**
   * CPU over the window, % of one core (all threads: JIT, GC, libuv pool; with the processes below it
   * of its command: a hub cluster's primary and workers together, so it may exceed 100).
   */
  cpuPercent: number;
  /** CPU time over the window, ms (user + sys, all threads, the same processes as cpuPercent). */
  cpuMs: number;
  /**
   * Hub and worker: share of the window their event loop was busy (~1 = the JS thread is the limit);
   * a hub cluster: the workers' mean (their busy ms summed over their busy + idle ms summed).
   */
  eventLoopUtilization?: number;
  /** VmRSS at the window's end, MB, summed over the same processes. */
  rssMb?: number;
  /** Processes counted at the window's end, when more than one (a hub cluster: the primary and its workers). */
  processes?: number;
}

export interface WindowUsage {
  seconds: number;
  processes: Record<string, ProcessUsage>;
  /** All cores, 100 = one core. */
  machinePercent: number;
  cores: number;
  /** Machine CPU none of our processes used: other work on this machine. */
  foreignPercent: number;
  foreignProcesses: Record<string, number>;
  /** MongoDB operations of the hub and the worker in the window, `<collection>.<method>` → count. */
  mongoOps: { hub: Record<string, number>; worker: Record<string, number> };
  redisCommands: Record<string, number>;
}

async function redisCommandCalls(redis: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  const info = await redis.info('commandstats').catch(() => '');
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1] as string, Number(match[2]));
  return calls;
}

/**
 * Cumulative figures at one instant: CPU and RSS of each watched process tree (one /proc read),
 * the machine's CPU times, every process's CPU (for outside load), the hub's and the worker's
 * probes (a hub cluster's workers merged) and Redis's per-command call counts.
 */
export async function takeSnapshot(stack: Stack, watched: Watched, redis: Redis): Promise<Snapshot> {
  const cpuMs: Record<string, number> = {};
  const rssBytes: Record<string, number> = {};
  const processCount: Record<string, number> = {};
  const stats = readAllStats();
  for (const [name, pid] of Object.entries(watched)) {
    const tree = treeUsageOf(pid, stats);
    cpuMs[name] = tree?.cpuMs ?? 0;
    rssBytes[name] = tree?.rssBytes ?? 0;
    processCount[name] = tree?.pids.length ?? 0;
  }
  const self = process.cpuUsage();
  cpuMs.loadgen = (self.user + self.system) / 1000;
  return {
    atMs: Date.now(),
    cpuMs,
    rssBytes,
    processCount,
    machine: machineTimes(),
    processes: sampleProcesses(),
    probes: { hub: readProbe(stack.services.hub), worker: readProbe(stack.services.worker) },
    redisCalls: await redisCommandCalls(redis),
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

function opsBetween(a?: ProbeSnapshot, b?: ProbeSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, count] of Object.entries(b?.ops ?? {})) {
    const delta = count - (a?.ops[key] ?? 0);
    if (delta > 0) out[key] = delta;
  }
  return out;
}

function elu(a?: ProbeSnapshot, b?: ProbeSnapshot): number | undefined {
  if (!a || !b) return undefined;
  const active = b.elu.active - a.elu.active;
  const idle = b.elu.idle - a.elu.idle;
  return round2(active / Math.max(1, active + idle));
}

/** What happened between two snapshots: CPU, ELU and RSS per watched process, machine and outside load, MongoDB and Redis calls. */
export function usageBetween(a: Snapshot, b: Snapshot): WindowUsage {
  const wallMs = Math.max(1, b.atMs - a.atMs);
  const cores = cpus().length;
  const processes: Record<string, ProcessUsage> = {};
  let oursMs = 0;
  for (const name of Object.keys(b.cpuMs)) {
    const used = (b.cpuMs[name] ?? 0) - (a.cpuMs[name] ?? 0);
    oursMs += used;
    processes[name] = { cpuPercent: round1((used / wallMs) * 100), cpuMs: Math.round(used) };
    const rss = b.rssBytes[name];
    if (rss) (processes[name] as ProcessUsage).rssMb = round1(rss / 1024 / 1024);
    const count = b.processCount[name] ?? 0;
    if (count > 1) (processes[name] as ProcessUsage).processes = count;
  }
  for (const name of ['hub', 'worker'] as const) {
    const value = elu(a.probes[name], b.probes[name]);
    if (value !== undefined && processes[name]) processes[name].eventLoopUtilization = value;
  }
  const share = (b.machine.busy - a.machine.busy) / Math.max(1, b.machine.total - a.machine.total);
  const machinePercent = round1(share * cores * 100);
  const redisCommands: Record<string, number> = {};
  for (const [command, calls] of b.redisCalls) {
    const delta = calls - (a.redisCalls.get(command) ?? 0);
    if (delta > 0 && command !== 'info') redisCommands[command] = delta;
  }
  return {
    seconds: round1(wallMs / 1000),
    processes,
    machinePercent,
    cores,
    foreignPercent: round1(Math.max(0, machinePercent - (oursMs / wallMs) * 100)),
    foreignProcesses: foreignProcessShares(a.processes, b.processes, wallMs),
    mongoOps: {
      hub: opsBetween(a.probes.hub, b.probes.hub),
      worker: opsBetween(a.probes.worker, b.probes.worker),
    },
    redisCommands,
  };
}
