import { metricsTokenOf, proxyTrustOf } from '../infra/config.js';
import { runServiceProcesses } from '../infra/run-processes.js';
import { startService } from '../infra/service-runtime.js';
import { idpProcessCount, loadIdpConfig } from './config.js';

/** Starts one idp process: the provider and its pages on IDP_PORT (a cluster worker when IDP_PROCESSES > 1). */
const startIdp = async () => {
  const config = loadIdpConfig();
  // Loaded here, not at the top: a cluster primary only supervises and need not hold the provider's code.
  const { buildIdp } = await import('./app.js');
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
};

/** IDP_PROCESSES; with a bad configuration one process, whose runService names the bad variable and exits 1. */
function processCount(): number {
  try {
    return idpProcessCount(loadIdpConfig());
  } catch {
    return 1;
  }
}

await runServiceProcesses('idp', processCount(), startIdp);
