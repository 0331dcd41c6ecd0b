import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (ms) per command name of this process's descendants, from /proc (Linux; empty elsewhere). */
export type ProcessCpu = Map<string, number>;

const TICKS_PER_SECOND = 100;

interface Stat {
  pid: number;
  ppid: number;
  comm: string;
  cpuMs: number;
}

function readStat(pid: string): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces; the fields after it are space-separated.
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    // fields[0] is state (field 3); ppid is field 4, utime 14, stime 15 (1-based).
    const ppid = Number(fields[1]);
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { pid: Number(pid), ppid, comm: text.slice(open + 1, close), cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

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
  const stats = entries.map(readStat).filter((stat): stat is Stat => stat !== undefined);
  const children = new Map<number, Stat[]>();
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

/** CPU ms by command name that processes outside the benchmark used between two samples. */
export function othersBetween(before: ProcessSample, after: ProcessSample): Map<string, number> {
  const out = new Map<string, number>();
  for (const [pid, { comm, cpuMs }] of after.others) {
    const used = cpuMs - (before.others.get(pid)?.cpuMs ?? 0);
    if (used > 0) out.set(comm, (out.get(comm) ?? 0) + used);
  }
  return out;
}
