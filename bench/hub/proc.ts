import { readdirSync, readFileSync } from 'node:fs';
import { type ProcStat, readStat } from '../shared/proc-stat.js';
import { processTreeCpu, readAllStats } from '../shared/process-tree.js';

export { machineTimes } from '../shared/proc-stat.js';

/** Linux /proc readers: CPU time and memory of one process or of a process tree, by pid. Undefined when it is gone. */

/** VmRSS and VmHWM (its peak) in bytes, from /proc/<pid>/status. */
export function memoryOf(pid: number): { rssBytes: number; peakBytes: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
    return { rssBytes: kb('VmRSS'), peakBytes: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * A process and the processes below it running the same command (a cluster primary and its
 * workers), summed. Helpers of another command are left out: tsx's esbuild transform service,
 * which every `node --import tsx` child starts and a built deployment does not run.
 */
export interface TreeUsage {
  /** User + system CPU ms of every process in the tree now (one that exited is no longer counted). */
  cpuMs: number;
  /** VmRSS summed over the tree, bytes (shared pages counted once per process, as each kernel figure does). */
  rssBytes: number;
  /**
   * Each process's own peak (VmHWM) summed, bytes: an upper bound of the tree's peak, since the
   * processes need not have peaked at the same moment. Equals the process's peak for a single one.
   */
  peakBytes: number;
  /** The processes counted, the root first. */
  pids: number[];
}

/**
 * CPU and memory of `rootPid` and its descendants of the same command (a cluster primary and its
 * workers: one process when there is no cluster); undefined when the root is gone. `stats`: one
 * /proc read to share between several trees.
 */
export function treeUsageOf(rootPid: number, stats: ProcStat[] = readAllStats()): TreeUsage | undefined {
  const tree = [...processTreeCpu(rootPid, stats)];
  const comm = tree[0]?.[1].comm;
  if (comm === undefined) return undefined;
  const same = tree.filter(([, entry]) => entry.comm === comm);
  const usage: TreeUsage = { cpuMs: 0, rssBytes: 0, peakBytes: 0, pids: same.map(([pid]) => pid) };
  for (const [pid, { cpuMs }] of same) {
    usage.cpuMs += cpuMs;
    const memory = memoryOf(pid);
    usage.rssBytes += memory?.rssBytes ?? 0;
    usage.peakBytes += memory?.peakBytes ?? 0;
  }
  return usage;
}

/** The direct children of `parent` (default: this process) with the given command name (the JVM, redis-server, cluster workers). */
export function childPids(comm: string, parent = process.pid): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcStat => stat?.ppid === parent && stat.comm === comm)
    .map((stat) => stat.pid);
}
