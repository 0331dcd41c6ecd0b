import { readdirSync } from 'node:fs';
import { type ProcStat, readStat } from './proc-stat.js';

/** CPU ms (user + sys, all threads, from /proc) of a process and every process below it (cluster workers), by pid. */
export type ProcessTreeCpu = Map<number, { comm: string; cpuMs: number }>;

/** Every process visible in /proc, read once; empty off Linux. */
export function readAllStats(): ProcStat[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(readStat)
      .filter((stat): stat is ProcStat => stat !== undefined);
  } catch {
    return [];
  }
}

/**
 * The process `rootPid` and its descendants, by pid, with their command name and CPU ms; empty when
 * it is gone (or off Linux). `stats`: one /proc read (readAllStats) to share between several trees.
 * A descendant that exited is missing: CPU summed over the tree drops by its share.
 */
export function processTreeCpu(rootPid: number, stats: ProcStat[] = readAllStats()): ProcessTreeCpu {
  const tree: ProcessTreeCpu = new Map();
  const byParent = new Map<number, ProcStat[]>();
  for (const stat of stats) byParent.set(stat.ppid, [...(byParent.get(stat.ppid) ?? []), stat]);
  const root = stats.find((stat) => stat.pid === rootPid);
  const visit = (stat: ProcStat) => {
    tree.set(stat.pid, { comm: stat.comm, cpuMs: stat.cpuMs });
    for (const child of byParent.get(stat.pid) ?? []) visit(child);
  };
  if (root) visit(root);
  return tree;
}
