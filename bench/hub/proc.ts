import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Linux /proc readers: CPU time and memory of one process, by pid. Undefined when it is gone. */

const TICKS_PER_SECOND = 100;

interface Stat {
  pid: number;
  ppid: number;
  comm: string;
  cpuMs: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may hold spaces; the fields after it are space-separated.
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    // fields[0] is the state (field 3); ppid is field 4, utime 14, stime 15 (1-based).
    const ticks = Number(fields[11]) + Number(fields[12]);
    return {
      pid,
      ppid: Number(fields[1]),
      comm: text.slice(text.indexOf('(') + 1, close),
      cpuMs: (ticks * 1000) / TICKS_PER_SECOND,
    };
  } catch {
    return undefined;
  }
}

/** User + system CPU ms the process has used (all its threads: JIT, GC, libuv pool). */
export const cpuMsOf = (pid: number): number | undefined => readStat(pid)?.cpuMs;

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

/** This process's direct children with the given command name (the JVM, redis-server). */
export function childPids(comm: string, parent = process.pid): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is Stat => stat?.ppid === parent && stat.comm === comm)
    .map((stat) => stat.pid);
}

/** All cores together, in ms: busy (user, nice, sys, irq) and total. */
export function machineTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, irq, idle } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + irq + idle;
  }
  return { busy, total };
}
