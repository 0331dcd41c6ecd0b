/**
 * Where bench/hub/probe.ts writes, and reading it back. A service without a cluster writes its
 * BENCH_PROBE_FILE; in a cluster (HUB_PROCESSES > 1) each worker writes `<file>.w<id>` (its
 * cluster.worker.id) and the primary, which serves nothing, keeps `<file>`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface ProbeSnapshot {
  /** When it was written, ms since the epoch. */
  atMs: number;
  /** The process that wrote it. */
  pid: number;
  /** Its cluster.worker.id in a cluster; absent in a process that is not a cluster worker. */
  worker?: number;
  /** User + system CPU of the process (of the merged workers, summed), µs. */
  cpuUs: number;
  /** performance.eventLoopUtilization() totals, ms (merged: summed, so their ratio is the workers' mean). */
  elu: { idle: number; active: number };
  /** RSS, bytes (merged: summed). */
  rssBytes: number;
  /** `<collection>.<method>` → calls since start (merged: summed). */
  ops: Record<string, number>;
}

/** The file a process writes: `base` itself, or `<base>.w<id>` in cluster worker `worker`. */
export const probeFileOf = (base: string, worker?: number): string => (worker ? `${base}.w${worker}` : base);

/** The cluster workers' probe files beside `base` (`<base>.w<id>`), by worker id; empty without a cluster. */
export function workerProbeFiles(base: string): Map<number, string> {
  const prefix = `${basename(base)}.w`;
  const files = new Map<number, string>();
  let names: string[];
  try {
    names = readdirSync(dirname(base));
  } catch {
    return files;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const id = name.slice(prefix.length);
    if (/^\d+$/.test(id)) files.set(Number(id), join(dirname(base), name));
  }
  return files;
}

/** One probe file as written; undefined when it is missing or unreadable. */
export function readProbeFile(file: string): ProbeSnapshot | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ProbeSnapshot;
  } catch {
    return undefined;
  }
}

/**
 * What the processes writing to `base` counted: with cluster workers' files present, their sum
 * (ops, cpuUs, rssBytes, elu.active and elu.idle; atMs the latest; pid and worker of the lowest
 * id) and the primary's own file is left out; else `base` alone. Undefined when nothing is there.
 *
 * Limitation: a file stays after its worker dies, frozen at its last write (≤ 250 ms old), and a
 * replacement writes a new one under its new id; so sums over a window stay right apart from the
 * dead worker's last quarter-second. A hub restarted by Stack.restart numbers its workers from 1
 * again and overwrites those files: counts across a restart go back.
 */
export function readMergedProbe(base: string): ProbeSnapshot | undefined {
  const workers = [...workerProbeFiles(base)].sort((a, b) => a[0] - b[0]);
  if (!workers.length) return readProbeFile(base);
  let merged: ProbeSnapshot | undefined;
  for (const [, file] of workers) {
    const one = readProbeFile(file);
    if (!one) continue;
    if (!merged) {
      merged = { ...one, elu: { ...one.elu }, ops: { ...one.ops } };
      continue;
    }
    merged.atMs = Math.max(merged.atMs, one.atMs);
    merged.cpuUs += one.cpuUs;
    merged.rssBytes += one.rssBytes;
    merged.elu.active += one.elu.active;
    merged.elu.idle += one.elu.idle;
    for (const [key, count] of Object.entries(one.ops)) merged.ops[key] = (merged.ops[key] ?? 0) + count;
  }
  return merged;
}
