import { createLogger } from '../infra/logger.js';
import { runService, startService } from '../infra/service-runtime.js';
import { buildHub } from './app.js';
import { loadBillers } from './billers.js';
import { loadHubConfig } from './config.js';

await runService('hub', async () => {
  const config = loadHubConfig();
  const log = createLogger('hub');
  // Checked before any connection is made: a bad biller entry is a configuration error.
  const billers = await loadBillers(config.BILLERS_FILE, log);
  return startService({
    name: 'hub',
    port: config.HUB_PORT,
    mongoUri: config.MONGODB_URI,
    mongoDb: config.HUB_MONGODB_DB,
    redisUrl: config.REDIS_URL,
    proxy: config.TRUST_PROXY,
    logger: log,
    build: (deps) =>
      buildHub(config, billers, deps, {
        // Settlement jobs are being built (issue 5): until they land, captured payments wait in
        // `settling` and the sweeper will pick them up.
        startSettlement: async (payment) => log.warn({ payment: payment._id }, 'settlement not wired yet'),
      }),
  });
});
