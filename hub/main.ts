import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { workerBindings } from '../infra/cluster.js';
import { metricsTokenOf, proxyTrustOf } from '../infra/config.js';
import { createLogger } from '../infra/logger.js';
import { createRedis } from '../infra/redis.js';
import { runServiceProcesses } from '../infra/run-processes.js';
import { startService } from '../infra/service-runtime.js';
import { loadBillers } from './billers.js';
import { hubProcessCount, loadHubConfig, settlementOptionsOf } from './config.js';
import { lateDemandBillerPort } from './demands/demand-biller-port.js';

/** Starts one hub API process: the API and the citizen portal on HUB_PORT (a cluster worker when HUB_PROCESSES > 1). */
const startHub = async () => {
  const config = loadHubConfig();
  // In a cluster worker every line names it (`"worker": 2`), as startService's own logger does.
  const log = createLogger('hub').child(workerBindings());
  // Loaded here, not at the top: a cluster primary only supervises and need not hold the hub's code.
  const [{ buildHub }, { DemandStore }, { enqueueSettlement, settlementQueue }] = await Promise.all([
    import('./app.js'),
    import('./demands/demand-store.js'),
    import('./settlement/index.js'),
  ]);
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
};

/**
 * HUB_PROCESSES once the configuration and the biller registry check out. With a bad one, 1: that
 * single process's runService names the fault once and exits 1, instead of every worker
 * crash-looping on it. A cluster's primary also gives its workers one receipt signing key when
 * RECEIPT_SIGNING_KEYS is unset (outside production), so a receipt's QR code signed by one worker
 * verifies on every other (workers inherit the primary's environment).
 */
async function prepareProcesses(): Promise<number> {
  try {
    const config = loadHubConfig();
    const count = hubProcessCount(config);
    // A worker (cluster.isWorker) checks them again as it starts; only the primary checks first.
    if (count > 1 && cluster.isPrimary) {
      const log = createLogger('hub').child({ primary: true });
      await (await loadBillers(config.BILLERS_FILE, log, process.env, { demands: lateDemandBillerPort() })).close();
      if (config.RECEIPT_SIGNING_KEYS.length === 0) {
        process.env.RECEIPT_SIGNING_KEYS = randomBytes(32).toString('base64');
        log.warn(
          'RECEIPT_SIGNING_KEYS is not set: receipts are signed with a random key of this run, shared by its workers',
        );
      }
    }
    return count;
  } catch {
    return 1;
  }
}

await runServiceProcesses('hub', await prepareProcesses(), startHub);
