/**
 * The process a CPU profile is taken of: the service's own process, or with a hub cluster one of
 * its workers (the primary serves no requests). probe.ts in that process starts a V8 profile on
 * SIGUSR2 and writes it beside its probe file on the next.
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { hubWorkerPids } from './hub-workers.js';
import { readProbeFile, workerProbeFiles } from './probe-files.js';
import type { Service } from './stack.js';

export interface ProfileTarget {
  pid: number;
  /** The .cpuprofile the second SIGUSR2 makes. */
  file: string;
  /** With a cluster: the profile is of worker `id` (pid `pid`), one of `processes` worker processes. */
  clusterWorker?: { id: number; pid: number; processes: number };
}

/**
 * The process of `service` to profile, chosen once so that both toggles reach the same one:
 * without a cluster the service's pid; with one, the live worker with the lowest id (its pid from
 * the probe file it writes). Undefined when the service has no probe file or no worker has written one.
 */
export function profileTargetOf(service: Service): ProfileTarget | undefined {
  const base = service.probeFile;
  if (!base) return undefined;
  const workers = hubWorkerPids(service.pid);
  if (!workers.length) return { pid: service.pid, file: `${base}.cpuprofile` };
  for (const [id, file] of [...workerProbeFiles(base)].sort((a, b) => a[0] - b[0])) {
    const pid = readProbeFile(file)?.pid;
    if (pid !== undefined && workers.includes(pid)) {
      return { pid, file: `${file}.cpuprofile`, clusterWorker: { id, pid, processes: workers.length } };
    }
  }
  return undefined;
}

/** Starts or stops the CPU profile in the target process (probe.ts listens for SIGUSR2). */
export function toggleProfile(target: ProfileTarget): void {
  process.kill(target.pid, 'SIGUSR2');
}

/** Waits for the profile file the second toggle makes; undefined when none came within `timeoutMs`. */
export async function profileFile(target: ProfileTarget, timeoutMs = 10_000): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(target.file)) return target.file;
    await sleep(100);
  }
  return undefined;
}
