/**
 * A cluster of 2 (tests/foundation/cluster-metrics.test.ts) whose worker 1 listens on PORT with the
 * services' /metrics, and whose worker 2 never finishes starting (as one still connecting to its
 * stores, or a replacement coming up).
 */
import cluster from 'node:cluster';
import { clusterMetricsText, workerIdentity } from '../../../infra/cluster.js';
import { listen } from '../../../infra/http/listen.js';
import { createServiceApp } from '../../../infra/http/service-app.js';
import { createLogger } from '../../../infra/logger.js';
import { runServiceProcesses } from '../../../infra/run-processes.js';

await runServiceProcesses('half-started', 2, async () => {
  if (cluster.worker?.id !== 1) {
    // Starting for ever: a timer keeps the process alive; the promise never settles.
    setInterval(() => undefined, 60_000);
    await new Promise(() => undefined);
  }
  const { app } = createServiceApp({
    name: 'half-started',
    logger: createLogger('half-started', 'silent'),
    readiness: [],
    processView: (registry) => ({ worker: workerIdentity(), metricsText: clusterMetricsText(registry) }),
  });
  const server = await listen(app, Number(process.env.PORT), '127.0.0.1');
  return { close: () => server.close() };
});
