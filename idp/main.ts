import { runService, startService } from '../infra/service-runtime.js';
import { loadIdpConfig } from './config.js';

// The OpenID Connect provider and its interaction pages mount here as they are built.
await runService('idp', async () => {
  const config = loadIdpConfig();
  return startService({
    name: 'idp',
    port: config.IDP_PORT,
    mongoUri: config.MONGODB_URI,
    mongoDb: config.IDP_MONGODB_DB,
    redisUrl: config.REDIS_URL,
    proxy: config.TRUST_PROXY,
  });
});
