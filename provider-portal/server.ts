import { listen } from '../infra/http/listen.js';
import { createServiceApp } from '../infra/http/service-app.js';
import type { Logger } from '../infra/logger.js';
import { createRedis, pingRedis } from '../infra/redis.js';
import { mountProviderPortal } from './app.js';
import type { ProviderPortalOptions } from './options.js';

/** Redis keys of the portal's sessions start with this, apart from the citizen portal's. */
export const PROVIDER_PORTAL_KEY_PREFIX = 'provider-portal:';

export interface StartOptions {
  port: number;
  host: string;
  redisUrl: string;
  log: Logger;
  /** Redis key prefix (tests give each portal its own); default PROVIDER_PORTAL_KEY_PREFIX. */
  redisKeyPrefix?: string;
  metricsToken?: string | null;
}

/** Starts the provider portal: the service app (health, readiness on Redis, metrics) with the pages, listening. */
export async function startProviderPortal(options: ProviderPortalOptions, start: StartOptions) {
  const redis = createRedis(start.redisUrl, { keyPrefix: start.redisKeyPrefix ?? PROVIDER_PORTAL_KEY_PREFIX });
  const { app } = createServiceApp({
    name: 'provider-portal',
    logger: start.log,
    metricsToken: start.metricsToken,
    readiness: [{ name: 'redis', check: () => pingRedis(redis) }],
  });
  mountProviderPortal(app, options, { redis, log: start.log });
  const server = await listen(app, start.port, start.host);
  start.log.info({ url: server.url }, 'provider portal listening');
  return {
    url: server.url,
    redis,
    close: async () => {
      await server.close();
      await redis.quit();
    },
  };
}
