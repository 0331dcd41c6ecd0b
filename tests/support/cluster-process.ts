import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readyWorker } from '../idp/support/cluster-idp.js';

/** A cluster worker as its /readyz names it. */
export interface WorkerIdentity {
  id: number;
  pid: number;
}

/** Whether a process is alive (signal 0). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops a child with SIGTERM (SIGKILL after `graceMs`) and waits for it to exit; nothing if it has. */
export async function stopChild(child: ChildProcess | undefined, graceMs = 30_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(killer);
}

/** How a cluster ended after SIGTERM: see terminateCluster. */
export interface ClusterEnd {
  /** The primary's exit code. */
  code: number | null;
  /** The workers still alive once the primary exited (expected: none). */
  aliveWorkers: number[];
  /** Log records whose msg is the service's stopping message (one per process that stopped cleanly). */
  stoppingLogs: number;
}

/**
 * Sends SIGTERM to a cluster's primary `child`, waits for it to exit, and reports how it ended:
 * its code, which of `workerPids` outlived it, and how many of its `lines` log `stoppingMessage`
 * (e.g. 'hub stopping').
 */
export async function terminateCluster(
  child: ChildProcess,
  lines: readonly string[],
  workerPids: readonly number[],
  stoppingMessage: string,
): Promise<ClusterEnd> {
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.kill('SIGTERM');
  const code = await exit;
  return {
    code,
    aliveWorkers: workerPids.filter(alive),
    stoppingLogs: logRecords(lines).filter((record) => record.msg === stoppingMessage).length,
  };
}

/** Every line a child writes to stdout and stderr, collected as it comes (the array fills in place). */
export function captureLines(...children: (ChildProcess | undefined)[]): string[] {
  const lines: string[] = [];
  for (const stream of children.flatMap((child) => [child?.stdout, child?.stderr])) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts.filter(Boolean));
    });
  }
  return lines;
}

/** The pino records among `lines`, parsed (plain-text lines dropped). */
export function logRecords(lines: readonly string[]): Record<string, unknown>[] {
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/**
 * Waits until `count` distinct workers of the cluster `child` (serving at `url`) answer /readyz,
 * none of them in `not`; throws when the child exits or after `timeoutMs`, with its last lines.
 */
export async function waitForWorkers(
  url: string,
  child: ChildProcess,
  lines: readonly string[],
  count: number,
  { not = [], timeoutMs = 60_000 }: { not?: number[]; timeoutMs?: number } = {},
): Promise<WorkerIdentity[]> {
  const seen = new Map<number, WorkerIdentity>();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the cluster exited (${child.exitCode}):\n${lines.join('\n')}`);
    const worker = await readyWorker(url);
    if (worker && !not.includes(worker.pid)) seen.set(worker.pid, worker);
    if (seen.size >= count) return [...seen.values()];
    if (!worker) await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${count} workers did not answer within ${timeoutMs} ms:\n${lines.slice(-20).join('\n')}`);
}
