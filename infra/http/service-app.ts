import Koa from 'koa';
import type { Registry } from 'prom-client';
import type { ProxyTrust } from '../config.js';
import type { Logger } from '../logger.js';
import { operationalRoutes, type ProcessView, type ReadinessCheck } from './health.js';
import { createMetrics } from './metrics.js';
import { problemResponses } from './problem.js';
import { requestContext } from './request-context.js';

export interface ServiceAppOptions {
  name: string;
  logger: Logger;
  readiness: ReadinessCheck[];
  /**
   * Trust X-Forwarded-* from TLS-terminating proxies in front of the service, and how many of them
   * (X-Forwarded-For entries from the right); off when unset.
   */
  proxy?: ProxyTrust;
  /** A Koa app to build on instead of a new one, e.g. oidc-provider's Provider (a Koa subclass). */
  app?: Koa;
  /** Who may read /metrics: see operationalRoutes (undefined: anyone). */
  metricsToken?: string | null;
  /** Where Prometheus reads the metrics: /metrics unless the app has a page of that path. */
  metricsPath?: string;
  /** For a service in several processes: which one answers, and the whole cluster's /metrics. */
  processView?: (registry: Registry) => ProcessView;
}

/**
 * The Koa app every service starts from: request ids and logs, problem+json errors,
 * metrics, health and readiness. Services mount their own routers on the result.
 */
export function createServiceApp(options: ServiceAppOptions) {
  const app = options.app ?? new Koa();
  app.proxy = options.proxy?.proxy ?? false;
  // Only the entries our own proxies appended: the client writes whatever it likes to their left.
  app.maxIpsCount = app.proxy ? Math.max(1, options.proxy?.hops ?? 1) : 0;
  const metrics = createMetrics(options.name);
  app.use(requestContext(options.logger));
  app.use(metrics.observe);
  app.use(problemResponses());
  const ops = operationalRoutes(
    options.readiness,
    metrics.registry,
    options.metricsToken,
    options.metricsPath,
    options.processView?.(metrics.registry),
  );
  app.use(ops.routes());
  app.use(ops.allowedMethods());
  // Errors are rendered by problemResponses; Koa's default handler would log them twice.
  app.silent = true;
  return { app, metrics: metrics.registry };
}
