import { runService, startService } from '../infra/service-runtime.js';
import { loadBillers } from './billers.js';
import { loadHubConfig } from './config.js';

// The citizen API and portal mount here as they are built.
await runService('hub', async () => {
  const config = loadHubConfig();
  return startService({
    name: 'hub',
    port: config.HUB_PORT,
    mongoUri: config.MONGODB_URI,
    mongoDb: config.HUB_MONGODB_DB,
    redisUrl: config.REDIS_URL,
    proxy: config.TRUST_PROXY,
    build: async ({ log }) => {
      const billers = await loadBillers(config.BILLERS_FILE, log);
      return { close: () => billers.close() };
    },
  });
});
