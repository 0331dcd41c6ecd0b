import { metricsTokenOf } from '../../infra/config.js';
import { createLogger } from '../../infra/logger.js';
import { runService, startService } from '../../infra/service-runtime.js';
import { loadBillers } from '../billers.js';
import { loadHubConfig } from '../config.js';
import { lateDemandBillerPort } from '../demands/demand-biller-port.js';
import { DemandStore } from '../demands/demand-store.js';
import { captureToSettledHistogram } from '../metrics/settlement-histogram.js';
import { startWorkerJobs } from './jobs.js';

// The worker process: every job and schedule of jobs.ts (settlement, status enquiries, receipts,
// the sweep, expiry, reconciliation) runs here, apart from the API, with health, readiness and
// metrics on WORKER_PORT.
await runService('worker', async () => {
  const config = loadHubConfig();
  const log = createLogger('worker');
  // Settlement posts demand instalments through the payment-demands biller, bound once Mongo is up.
  const demandPort = lateDemandBillerPort();
  const billers = await loadBillers(config.BILLERS_FILE, log, process.env, { demands: demandPort });
  return startService({
    name: 'worker',
    port: config.WORKER_PORT,
    host: config.BIND_HOST,
    metricsToken: metricsTokenOf(config),
    mongoUri: config.MONGODB_URI,
    mongoDb: config.HUB_MONGODB_DB,
    redisUrl: config.REDIS_URL,
    logger: log,
    build: async ({ mongo, redis }) => {
      demandPort.bind(new DemandStore(mongo));
      // billpay_capture_to_settled_seconds on WORKER_PORT's /metrics, observed as lines settle.
      const settled = captureToSettledHistogram();
      const jobs = await startWorkerJobs(config, { mongo, redis, log, billers, onLineSettled: settled.observe });
      return {
        registerMetrics: (registry) => registry.registerMetric(settled.histogram),
        close: async () => {
          await jobs.close();
          await billers.close();
        },
      };
    },
  });
});
