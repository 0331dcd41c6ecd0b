import { readdirSync } from 'node:fs';
import { type ProcStat, readStat } from './proc-stat.js';

/** CPU time (ms) per command name of this process's descendants, from /proc (Linux; empty elsewhere). */
export type ProcessCpu = Map<string, number>;

export interface ProcessSample {
  /** Processes below this one (Redis, the MongoDB JVM, the server children), CPU ms by command name. */
  ours: ProcessCpu;
  /** Every other process on the machine that we can see, CPU ms by pid (with its command name). */
  others: Map<number, { comm: string; cpuMs: number }>;
}

/**
 * User+system CPU of the processes of this benchmark and of everything else visible in /proc.
 * Processes that ended between two samples are missing from the later one.
 */
export function sampleProcesses(root = process.pid): ProcessSample {
  const sample: ProcessSample = { ours: new Map(), others: new Map() };
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return sample;
  }
  const stats = entries.map(readStat).filter((stat): stat is ProcStat => stat !== undefined);
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const below = new Set<number>([root]);
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      below.add(child.pid);
      sample.ours.set(child.comm, (sample.ours.get(child.comm) ?? 0) + child.cpuMs);
      walk(child.pid);
    }
  };
  walk(root);
  for (const stat of stats) {
    if (!below.has(stat.pid)) sample.others.set(stat.pid, { comm: stat.comm, cpuMs: stat.cpuMs });
  }
  return sample;
}

/**
 * The busiest processes outside the benchmark between two samples, as % of one core over
 * `wallMs` (at least 1%, top five): what else was using the machine.
 */
export function foreignProcessShares(
  before: ProcessSample,
  after: ProcessSample,
  wallMs: number,
): Record<string, number> {
  const byComm = new Map<string, number>();
  for (const [pid, { comm, cpuMs }] of after.others) {
    const used = cpuMs - (before.others.get(pid)?.cpuMs ?? 0);
    if (used > 0) byComm.set(comm, (byComm.get(comm) ?? 0) + used);
  }
  return Object.fromEntries(
    [...byComm]
      .map(([comm, ms]) => [comm, Math.round((ms / wallMs) * 1000) / 10] as const)
      .filter(([, percent]) => percent >= 1)
      .sort((x, y) => y[1] - x[1])
      .slice(0, 5),
  );
}
