import { metricsTokenOf } from '../../infra/config.js';
import { createLogger } from '../../infra/logger.js';
import { runService, startService } from '../../infra/service-runtime.js';
import { loadBillers } from '../billers.js';
import { loadHubConfig } from '../config.js';
import { lateDemandBillerPort } from '../demands/demand-biller-port.js';
import { DemandStore } from '../demands/demand-store.js';
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
      const jobs = await startWorkerJobs(config, { mongo, redis, log, billers });
      return {
        close: async () => {
          await jobs.close();
          await billers.close();
        },
      };
    },
  });
});
