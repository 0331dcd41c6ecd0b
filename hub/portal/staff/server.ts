import type Koa from 'koa';
import { type BaseConfig, metricsTokenOf } from '../../../infra/config.js';
import { listen } from '../../../infra/http/listen.js';
import { createServiceApp } from '../../../infra/http/service-app.js';
import { createLogger, type Logger } from '../../../infra/logger.js';
import { createRedis, pingRedis, type Redis } from '../../../infra/redis.js';

/** Where and how a staff portal runs. */
export interface StartOptions {
  port: number;
  host: string;
  redisUrl: string;
  log: Logger;
  /** Redis key prefix (tests give each portal its own); default the portal's own prefix. */
  redisKeyPrefix?: string;
  metricsToken?: string | null;
}

/** What differs between the staff portals' servers. */
export interface StaffPortalServer {
  /** The service's name (logs, metrics): `provider-portal`. */
  name: string;
  /** What logs call it: `provider portal`. */
  label: string;
  /** Redis keys of the portal's sessions start with this, apart from the other portals'. */
  keyPrefix: string;
  /** Where Prometheus reads the metrics, when not the service app's default. */
  metricsPath?: string;
  /** Mounts the portal's pages on the service app. */
  mount(app: Koa, services: { redis: Redis; log: Logger }): void;
}

/** A running staff portal: its URL, its Redis connection, and how to stop both. */
export interface RunningStaffPortal {
  url: string;
  redis: Redis;
  close(): Promise<void>;
}

/** Starts a staff portal: the service app (health, readiness on Redis, metrics) with the pages, listening. */
export async function startStaffPortal(portal: StaffPortalServer, start: StartOptions): Promise<RunningStaffPortal> {
  const redis = createRedis(start.redisUrl, { keyPrefix: start.redisKeyPrefix ?? portal.keyPrefix });
  const { app } = createServiceApp({
    name: portal.name,
    logger: start.log,
    metricsToken: start.metricsToken,
    ...(portal.metricsPath ? { metricsPath: portal.metricsPath } : {}),
    readiness: [{ name: 'redis', check: () => pingRedis(redis) }],
  });
  portal.mount(app, { redis, log: start.log });
  const server = await listen(app, start.port, start.host);
  start.log.info({ url: server.url }, `${portal.label} listening`);
  return {
    url: server.url,
    redis,
    close: async () => {
      await server.close();
      await redis.quit();
    },
  };
}

/** The start options of service `name` from its config (main.ts), listening on `port`. */
export function startOptionsOf(
  name: string,
  port: number,
  config: Pick<BaseConfig, 'NODE_ENV' | 'LOG_LEVEL' | 'REDIS_URL' | 'BIND_HOST' | 'METRICS_TOKEN'>,
): StartOptions {
  return {
    port,
    host: config.BIND_HOST,
    redisUrl: config.REDIS_URL,
    log: createLogger(name, config.LOG_LEVEL),
    metricsToken: metricsTokenOf(config),
  };
}
