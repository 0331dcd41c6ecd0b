import { readdirSync, readFileSync } from 'node:fs';
import { type ProcStat, readStat } from '../shared/proc-stat.js';

export { machineTimes } from '../shared/proc-stat.js';

/** Linux /proc readers: CPU time and memory of one process, by pid. Undefined when it is gone. */

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
    .filter((stat): stat is ProcStat => stat?.ppid === parent && stat.comm === comm)
    .map((stat) => stat.pid);
}
