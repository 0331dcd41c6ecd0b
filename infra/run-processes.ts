import cluster from 'node:cluster';
import { answerMetricsWhileStarting, type RestartPolicy, startWorkers } from './cluster.js';
import { createLogger } from './logger.js';
import { runService } from './service-runtime.js';

/**
 * Process entry point of a service that may run as several processes behind one port: with
 * `processes` ≤ 1 it is runService (one process, as before); otherwise this process becomes the
 * cluster primary (infra/cluster.ts), forks that many workers — each runs the same entry script,
 * arrives here as a worker and runs `start` under runService — forwards SIGINT/SIGTERM to them,
 * and exits when they are all gone (0 after a stop, 1 after a crash loop). Check the
 * configuration before calling this, so that a bad one is reported once, by the primary.
 */
export async function runServiceProcesses(
  name: string,
  processes: number,
  start: () => Promise<{ close: () => Promise<void> }>,
  restart?: Partial<RestartPolicy>,
): Promise<void> {
  if (cluster.isWorker) {
    answerMetricsWhileStarting();
    return runService(name, start);
  }
  if (processes <= 1) return runService(name, start);
  const log = createLogger(name).child({ primary: true });
  const workers = startWorkers({ processes, log, restart });
  const stop = (signal: NodeJS.Signals) => {
    log.info({ signal }, `${name} stopping ${workers.workers().length} worker processes`);
    void workers.stop();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  workers.ready.then(
    () => log.info({ processes, pid: process.pid }, `${name} running as ${processes} worker processes`),
    () => undefined,
  );
  process.exit(await workers.done);
}
