import type Koa from 'koa';
import type { Registry } from 'prom-client';
import { clusterMetricsText, workerBindings, workerIdentity } from './cluster.js';
import { ConfigError, type ProxyTrust } from './config.js';
import { listen } from './http/listen.js';
import { createServiceApp } from './http/service-app.js';
import { createLogger, type Logger } from './logger.js';
import { type Connection, connectMongo, pingMongo } from './mongo.js';
import { createRedis, pingRedis, type Redis } from './redis.js';

export interface ServiceDeps {
  log: Logger;
  mongo: Connection;
  redis: Redis;
}

export interface ServiceOptions {
  name: string;
  port: number;
  /** The address to listen on (BIND_HOST); every interface when unset. */
  host?: string;
  /** Who may read /metrics (metricsTokenOf); anyone when unset. */
  metricsToken?: string | null;
  mongoUri: string;
  mongoDb: string;
  redisUrl: string;
  /** Prefixes every Redis key of the service (tests run several services on one Redis). */
  redisKeyPrefix?: string;
  /** Trust X-Forwarded-* from this many proxy hops (proxyTrustOf); off when unset. */
  proxy?: ProxyTrust;
  logger?: Logger;
  /** Builds the service's own parts once MongoDB and Redis are connected. */
  build?: (deps: ServiceDeps) => Promise<ServiceParts>;
}

export interface ServiceParts {
  /** The Koa app to serve (e.g. an oidc-provider Provider); a new one when omitted. */
  app?: Koa;
  /** Adds routes after the shared middleware (request ids, errors, health, metrics). */
  routes?: (app: Koa) => void;
  /** Stops background work before the connections close. */
  close?: () => Promise<void>;
  /** Adds the service's own metrics to its /metrics registry (the hub's payment gauges, the worker's histogram). */
  registerMetrics?: (registry: Registry) => void;
}

export interface StartedService extends ServiceDeps {
  url: string;
  close: () => Promise<void>;
}

/** Connects a service to MongoDB and Redis, mounts it on the shared Koa base and listens. */
export async function startService(options: ServiceOptions): Promise<StartedService> {
  const log = options.logger ?? createLogger(options.name).child(workerBindings());
  const mongo = await connectMongo(options.mongoUri, { dbName: options.mongoDb });
  const redis = createRedis(options.redisUrl, { keyPrefix: options.redisKeyPrefix });
  const parts = (await options.build?.({ log, mongo, redis })) ?? {};
  const { app, metrics } = createServiceApp({
    name: options.name,
    logger: log,
    proxy: options.proxy,
    app: parts.app,
    metricsToken: options.metricsToken,
    // In a cluster worker (infra/cluster.ts), /readyz names the worker and /metrics covers them all.
    processView: (registry) => {
      const worker = workerIdentity();
      return worker ? { worker, metricsText: clusterMetricsText(registry) } : {};
    },
    readiness: [
      { name: 'mongo', check: () => pingMongo(mongo) },
      { name: 'redis', check: () => pingRedis(redis) },
    ],
  });
  parts.registerMetrics?.(metrics);
  parts.routes?.(app);
  const server = await listen(app, options.port, options.host);
  log.info({ url: server.url }, `${options.name} listening`);
  return {
    log,
    mongo,
    redis,
    url: server.url,
    close: async () => {
      await server.close();
      await parts.close?.();
      await redis.quit();
      await mongo.close();
    },
  };
}

const STOP_GRACE_MS = 10_000;

/**
 * Process entry point: starts, then stops cleanly on SIGINT/SIGTERM. A bad configuration
 * is printed as its plain message (naming the variable) and exits 1.
 */
export async function runService(name: string, start: () => Promise<{ close: () => Promise<void> }>) {
  const log = createLogger(name).child(workerBindings());
  let running: { close: () => Promise<void> };
  try {
    running = await start();
  } catch (error) {
    if (error instanceof ConfigError) console.error(`${name}: ${error.message}`);
    else log.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  }
  let stopping = false;
  // Ctrl-C reaches every process of the group and `npm start` then sends SIGTERM too: stop once.
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, `${name} stopping`);
    setTimeout(() => {
      log.error(`${name} did not stop within ${STOP_GRACE_MS} ms; exiting`);
      process.exit(1);
    }, STOP_GRACE_MS).unref();
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
