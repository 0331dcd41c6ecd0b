import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Linux clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on every common kernel). */
const TICKS_PER_SECOND = 100;

export interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** One letter: R running, S sleeping, Z zombie (exited, not yet reaped) … */
  state: string;
  /** User + system CPU ms, all threads. */
  cpuMs: number;
}

/** One process's /proc/<pid>/stat; undefined when it is gone (or not Linux). */
export function readStat(pid: number | string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may contain spaces; the fields after it are space-separated.
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    // fields[0] is the state (field 3); ppid is field 4, utime 14, stime 15 (1-based).
    const ticks = Number(fields[11]) + Number(fields[12]);
    return {
      pid: Number(pid),
      ppid: Number(fields[1]),
      comm: text.slice(open + 1, close),
      state: fields[0] ?? '',
      cpuMs: (ticks * 1000) / TICKS_PER_SECOND,
    };
  } catch {
    return undefined;
  }
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
