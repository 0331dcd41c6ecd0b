import { runService, startService } from '../../infra/service-runtime.js';
import { loadHubConfig } from '../config.js';

// The worker process: BullMQ consumers (settlement, refunds, notifications) run here, apart
// from the API, with the same health, readiness and metrics endpoints on WORKER_PORT.
await runService('worker', async () => {
  const config = loadHubConfig();
  return startService({
    name: 'worker',
    port: config.WORKER_PORT,
    mongoUri: config.MONGODB_URI,
    mongoDb: config.HUB_MONGODB_DB,
    redisUrl: config.REDIS_URL,
  });
});
