import { metricsTokenOf, proxyTrustOf } from '../infra/config.js';
import { runService, startService } from '../infra/service-runtime.js';
import { buildIdp } from './app.js';
import { loadIdpConfig } from './config.js';

await runService('idp', async () => {
  const config = loadIdpConfig();
  return startService({
    name: 'idp',
    port: config.IDP_PORT,
    host: config.BIND_HOST,
    metricsToken: metricsTokenOf(config),
    mongoUri: config.MONGODB_URI,
    mongoDb: config.IDP_MONGODB_DB,
    redisUrl: config.REDIS_URL,
    proxy: proxyTrustOf(config),
    build: (deps) => buildIdp(config, deps),
  });
});
