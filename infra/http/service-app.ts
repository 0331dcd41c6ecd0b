import Koa from 'koa';
import type { Logger } from '../logger.js';
import { operationalRoutes, type ReadinessCheck } from './health.js';
import { createMetrics } from './metrics.js';
import { problemResponses } from './problem.js';
import { requestContext } from './request-context.js';

export interface ServiceAppOptions {
  name: string;
  logger: Logger;
  readiness: ReadinessCheck[];
  /** Trust X-Forwarded-* from a TLS-terminating proxy in front of the service. */
  proxy?: boolean;
  /** A Koa app to build on instead of a new one, e.g. oidc-provider's Provider (a Koa subclass). */
  app?: Koa;
  /** Who may read /metrics: see operationalRoutes (undefined: anyone). */
  metricsToken?: string | null;
}

/**
 * The Koa app every service starts from: request ids and logs, problem+json errors,
 * metrics, health and readiness. Services mount their own routers on the result.
 */
export function createServiceApp(options: ServiceAppOptions) {
  const app = options.app ?? new Koa();
  app.proxy = options.proxy ?? false;
  const metrics = createMetrics(options.name);
  app.use(requestContext(options.logger));
  app.use(metrics.observe);
  app.use(problemResponses());
  const ops = operationalRoutes(options.readiness, metrics.registry, options.metricsToken);
  app.use(ops.routes());
  app.use(ops.allowedMethods());
  // Errors are rendered by problemResponses; Koa's default handler would log them twice.
  app.silent = true;
  return { app, metrics: metrics.registry };
}
