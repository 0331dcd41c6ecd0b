/**
 * The hub as a Node cluster (HUB_PROCESSES > 1, hub/main.ts): a primary that serves nothing and
 * its worker processes, each a full hub on the same port.
 */
import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { readStat } from '../shared/proc-stat.js';
import { childPids } from './proc.js';

/** The cluster workers of the hub primary `primaryPid`: its direct children named `node`; empty without a cluster. */
export const hubWorkerPids = (primaryPid: number): number[] => childPids('node', primaryPid);

/** The `worker.id` a cluster worker's /readyz names, over a fresh connection (which the primary hands to the next worker). */
function readyWorkerId(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false, timeout: 1_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => {
        try {
          const id = (JSON.parse(body) as { worker?: { id?: unknown } }).worker?.id;
          resolve(response.statusCode === 200 && typeof id === 'number' ? id : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

/**
 * Waits until `processes` different cluster workers have answered `readyUrl` ready (a new
 * connection each time: the cluster primary deals them out round-robin), so that a measurement
 * never starts with part of the cluster still starting. Throws after `timeoutMs`.
 */
export async function waitForHubWorkers(readyUrl: string, processes: number, timeoutMs: number): Promise<void> {
  const seen = new Set<number>();
  const deadline = Date.now() + timeoutMs;
  while (seen.size < processes) {
    if (Date.now() > deadline) {
      throw new Error(`only ${seen.size} of ${processes} hub worker processes answered ${readyUrl} ready`);
    }
    const id = await readyWorkerId(readyUrl);
    if (id === undefined) await sleep(200);
    else seen.add(id);
  }
}

/** Waits (up to `timeoutMs`) until none of `pids` is alive: a killed cluster primary's workers exit when its IPC channel closes. */
export async function waitUntilGone(pids: number[], timeoutMs = 10_000): Promise<void> {
  const alive = (pid: number) => {
    const state = readStat(pid)?.state;
    return state !== undefined && state !== 'Z' && state !== 'X';
  };
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive) && Date.now() < deadline) await sleep(100);
}
