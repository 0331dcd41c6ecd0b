import { metricsTokenOf } from '../infra/config.js';
import { createLogger } from '../infra/logger.js';
import { runService } from '../infra/service-runtime.js';
import { loadOperatorConsoleConfig } from './config.js';
import { operatorConsoleOptionsOf } from './options.js';
import { startOperatorConsole } from './server.js';

await runService('operator-console', async () => {
  const config = loadOperatorConsoleConfig();
  return startOperatorConsole(operatorConsoleOptionsOf(config), {
    port: config.OPERATOR_CONSOLE_PORT,
    host: config.BIND_HOST,
    redisUrl: config.REDIS_URL,
    log: createLogger('operator-console', config.LOG_LEVEL),
    metricsToken: metricsTokenOf(config),
  });
});
