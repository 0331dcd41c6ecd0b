import { metricsTokenOf, proxyTrustOf } from '../infra/config.js';
import { createLogger } from '../infra/logger.js';
import { createRedis } from '../infra/redis.js';
import { runService, startService } from '../infra/service-runtime.js';
import { buildHub } from './app.js';
import { loadBillers } from './billers.js';
import { loadHubConfig, settlementOptionsOf } from './config.js';
import { lateDemandBillerPort } from './demands/demand-biller-port.js';
import { DemandStore } from './demands/demand-store.js';
import { enqueueSettlement, settlementQueue } from './settlement/index.js';

await runService('hub', async () => {
  const config = loadHubConfig();
  const log = createLogger('hub');
  // Checked before any connection is made: a bad biller entry is a configuration error.
  // The payment-demands biller reads the demand store, which exists once Mongo is connected.
  const demandPort = lateDemandBillerPort();
  const billers = await loadBillers(config.BILLERS_FILE, log, process.env, { demands: demandPort });
  // The API only adds jobs; the worker process runs them. Attempts and backoff travel with each job.
  const queueConnection = createRedis(config.REDIS_URL, { forBlockingCommands: true });
  const queue = settlementQueue(queueConnection, settlementOptionsOf(config));
  const hub = await startService({
    name: 'hub',
    port: config.HUB_PORT,
    host: config.BIND_HOST,
    metricsToken: metricsTokenOf(config),
    mongoUri: config.MONGODB_URI,
    mongoDb: config.HUB_MONGODB_DB,
    redisUrl: config.REDIS_URL,
    proxy: proxyTrustOf(config),
    logger: log,
    build: (deps) => {
      demandPort.bind(new DemandStore(deps.mongo));
      return buildHub(config, billers, deps, {
        notifyQueue: queue,
        workQueue: queue,
        startSettlement: async (payment) => {
          await enqueueSettlement(queue, payment);
        },
      });
    },
  });
  return {
    close: async () => {
      await hub.close();
      await queue.close();
      await queueConnection.quit();
    },
  };
});
