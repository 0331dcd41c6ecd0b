import { listen } from '../infra/http/listen.js';
import { createServiceApp } from '../infra/http/service-app.js';
import type { Logger } from '../infra/logger.js';
import { createRedis, pingRedis } from '../infra/redis.js';
import { mountOperatorConsole } from './app.js';
import type { OperatorConsoleOptions } from './options.js';

/** Prometheus reads the console's metrics here: /metrics is the console's Metrics page (routes/metrics-routes.ts). */
export const OPERATOR_CONSOLE_METRICS_PATH = '/prometheus';

/** Redis keys of the console's sessions start with this, apart from the portals'. */
export const OPERATOR_CONSOLE_KEY_PREFIX = 'operator-console:';

export interface StartOptions {
  port: number;
  host: string;
  redisUrl: string;
  log: Logger;
  /** Redis key prefix (tests give each console its own); default OPERATOR_CONSOLE_KEY_PREFIX. */
  redisKeyPrefix?: string;
  metricsToken?: string | null;
}

/** Starts the operator console: the service app (health, readiness on Redis, metrics) with the pages, listening. */
export async function startOperatorConsole(options: OperatorConsoleOptions, start: StartOptions) {
  const redis = createRedis(start.redisUrl, { keyPrefix: start.redisKeyPrefix ?? OPERATOR_CONSOLE_KEY_PREFIX });
  const { app } = createServiceApp({
    name: 'operator-console',
    logger: start.log,
    metricsToken: start.metricsToken,
    metricsPath: OPERATOR_CONSOLE_METRICS_PATH,
    readiness: [{ name: 'redis', check: () => pingRedis(redis) }],
  });
  mountOperatorConsole(app, options, { redis, log: start.log });
  const server = await listen(app, start.port, start.host);
  start.log.info({ url: server.url }, 'operator console listening');
  return {
    url: server.url,
    redis,
    close: async () => {
      await server.close();
      await redis.quit();
    },
  };
}
