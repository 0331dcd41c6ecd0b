import { metricsTokenOf } from '../infra/config.js';
import { createLogger } from '../infra/logger.js';
import { runService } from '../infra/service-runtime.js';
import { loadProviderPortalConfig } from './config.js';
import { providerPortalOptionsOf } from './options.js';
import { startProviderPortal } from './server.js';

await runService('provider-portal', async () => {
  const config = loadProviderPortalConfig();
  return startProviderPortal(providerPortalOptionsOf(config), {
    port: config.PROVIDER_PORTAL_PORT,
    host: config.BIND_HOST,
    redisUrl: config.REDIS_URL,
    log: createLogger('provider-portal', config.LOG_LEVEL),
    metricsToken: metricsTokenOf(config),
  });
});
