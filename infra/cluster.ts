/**
 * One service as several processes behind one port (Node's cluster module): the primary forks the
 * workers, replaces one that dies unexpectedly (with a back-off, giving up loudly on a crash loop),
 * forwards SIGTERM/SIGINT for a graceful stop and answers the workers' /metrics with the whole
 * cluster's figures (prom-client's AggregatorRegistry). Each worker is an ordinary runService process.
 * Only state held outside the process (Redis, MongoDB) is shared; see the README's idp notes.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Logger } from './logger.js';

/** When a worker that died is replaced, and when the primary stops trying. */
export interface RestartPolicy {
  /** Wait before the first replacement, ms; doubles with each further crash in the window. */
  firstDelayMs: number;
  /** Longest wait before a replacement, ms. */
  maxDelayMs: number;
  /** More crashes than this within `windowMs` is a crash loop: the primary stops everything and exits 1. */
  maxCrashes: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  firstDelayMs: 500,
  maxDelayMs: 10_000,
  maxCrashes: 5,
  windowMs: 60_000,
};

/** How long workers get to close their servers and connections after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 15_000;
/** How long a worker waits for the primary's aggregated metrics. */
const METRICS_TIMEOUT_MS = 6_000;

const METRICS_REQUEST = 'cluster:metrics-request';
const METRICS_REPLY = 'cluster:metrics-reply';

interface MetricsRequest {
  type: typeof METRICS_REQUEST;
  id: number;
}
interface MetricsReply {
  type: typeof METRICS_REPLY;
  id: number;
  text?: string;
  error?: string;
}

/** Which process of a cluster this is (for logs and /readyz); undefined outside a cluster worker. */
export function workerIdentity(): { id: number; pid: number } | undefined {
  return cluster.isWorker && cluster.worker ? { id: cluster.worker.id, pid: process.pid } : undefined;
}

/** Log bindings naming the worker (`{ worker: 2 }`), or none outside a cluster worker. */
export function workerBindings(): { worker?: number } {
  const identity = workerIdentity();
  return identity ? { worker: identity.id } : {};
}

export interface ClusterOptions {
  /** Worker processes to keep running (at least 2; one process needs no cluster). */
  processes: number;
  log: Logger;
  restart?: Partial<RestartPolicy>;
  /** Variables added to each worker's environment. */
  env?: Record<string, string>;
}

export interface ClusterHandle {
  /** Resolves once `processes` workers listen at the same time; rejects if the cluster gives up first. */
  ready: Promise<void>;
  /** Resolves with the exit code once every worker is gone: 0 after stop(), 1 after a crash loop. */
  done: Promise<number>;
  /** The workers alive now. */
  workers: () => Worker[];
  /** Sends SIGTERM to every worker (SIGKILL after the grace time) and resolves like `done`. */
  stop: () => Promise<number>;
}

/**
 * In the primary: forks the workers (each runs this process's entry script again, where
 * cluster.isWorker is true) and keeps them running until stop() or a crash loop.
 */
export function startWorkers(options: ClusterOptions): ClusterHandle {
  if (!cluster.isPrimary) throw new Error('startWorkers runs in the cluster primary');
  const policy = { ...DEFAULT_RESTART_POLICY, ...options.restart };
  const { log } = options;
  const aggregator = new AggregatorRegistry();
  const crashes: number[] = [];
  const pendingRestarts = new Set<NodeJS.Timeout>();
  const listening = new Set<number>();
  let stopping = false;
  let exitCode = 0;
  let resolveDone: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });
  let resolveReady: () => void = () => {};
  let rejectReady: (error: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // Nobody need wait for `ready` (a caller may only wait for `done`).
  ready.catch(() => undefined);

  const alive = () => Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => Boolean(worker));
  const fork = () => {
    const worker = cluster.fork(options.env ?? {});
    worker.on('listening', () => {
      listening.add(worker.id);
      if (listening.size >= options.processes) resolveReady();
    });
    return worker;
  };

  const onMessage = (worker: Worker, message: MetricsRequest) => {
    if (message?.type !== METRICS_REQUEST) return;
    const reply = (answer: Omit<MetricsReply, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: METRICS_REPLY, id: message.id, ...answer });
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (error: Error) => reply({ error: error.message }),
    );
  };

  const onExit = (worker: Worker, code: number | null, signal: string | null) => {
    listening.delete(worker.id);
    if (stopping) {
      if (alive().length === 0) finish();
      return;
    }
    const now = Date.now();
    crashes.push(now);
    while (crashes.length && (crashes[0] as number) < now - policy.windowMs) crashes.shift();
    if (crashes.length > policy.maxCrashes) {
      log.fatal(
        {
          worker: worker.id,
          pid: worker.process.pid,
          code,
          signal,
          crashes: crashes.length,
          windowMs: policy.windowMs,
        },
        `worker processes are crash-looping (${crashes.length} exits within ${policy.windowMs / 1000} s); giving up`,
      );
      rejectReady(new Error('worker processes are crash-looping'));
      exitCode = 1;
      void stop();
      return;
    }
    const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (crashes.length - 1));
    log.error(
      { worker: worker.id, pid: worker.process.pid, code, signal, restartInMs: delay },
      'worker process exited unexpectedly; starting a replacement',
    );
    const timer = setTimeout(() => {
      pendingRestarts.delete(timer);
      if (!stopping) fork();
    }, delay);
    pendingRestarts.add(timer);
  };

  const finish = () => {
    cluster.off('message', onMessage);
    cluster.off('exit', onExit);
    resolveDone(exitCode);
  };

  const stop = (): Promise<number> => {
    if (!stopping) {
      stopping = true;
      for (const timer of pendingRestarts) clearTimeout(timer);
      pendingRestarts.clear();
      rejectReady(new Error('the cluster stopped before every worker listened'));
      const workers = alive();
      if (workers.length === 0) finish();
      for (const worker of workers) worker.process.kill('SIGTERM');
      setTimeout(() => {
        for (const worker of alive()) {
          log.error({ worker: worker.id, pid: worker.process.pid }, `worker did not stop within ${STOP_GRACE_MS} ms`);
          worker.process.kill('SIGKILL');
        }
      }, STOP_GRACE_MS).unref();
    }
    return done;
  };

  cluster.on('message', onMessage);
  cluster.on('exit', onExit);
  for (let i = 0; i < options.processes; i++) fork();
  return { ready, done, workers: alive, stop };
}

/**
 * In a worker, as it starts: answers the primary's metrics requests at once, with no figures until
 * clusterMetricsText gives it its registry. The primary asks every worker and waits for all of them
 * (prom-client's AggregatorRegistry, 5 s); a worker still connecting to its stores, or a replacement
 * starting, would otherwise make every scrape of the whole cluster fail until it listens.
 */
export function answerMetricsWhileStarting(): void {
  if (!cluster.isWorker) return;
  // Constructing one installs prom-client's worker-side listener.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([]);
}

/**
 * In a worker: makes `own` the registry the primary collects from, and returns what /metrics
 * serves: every worker's figures summed by the primary (AggregatorRegistry.clusterMetrics).
 */
export function clusterMetricsText(own: Registry): () => Promise<string> {
  if (!cluster.isWorker || !process.send) throw new Error('clusterMetricsText runs in a cluster worker');
  // Constructing one installs prom-client's worker-side listener for the primary's requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([own]);
  let nextId = 1;
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        process.off('message', onReply);
        reject(new Error(`the primary sent no metrics within ${METRICS_TIMEOUT_MS} ms`));
      }, METRICS_TIMEOUT_MS);
      const onReply = (message: MetricsReply) => {
        if (message?.type !== METRICS_REPLY || message.id !== id) return;
        clearTimeout(timer);
        process.off('message', onReply);
        if (message.error !== undefined) reject(new Error(message.error));
        else resolve(message.text ?? '');
      };
      process.on('message', onReply);
      process.send?.({ type: METRICS_REQUEST, id } satisfies MetricsRequest);
    });
}
