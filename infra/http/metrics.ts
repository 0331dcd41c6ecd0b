import type { Middleware } from 'koa';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** One registry per service app, so several apps in one process (tests) do not collide. */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, matched route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  const observe: Middleware = async (ctx, next) => {
    const end = httpDuration.startTimer({ method: ctx.method });
    try {
      await next();
    } finally {
      // The matched route pattern keeps label cardinality bounded; unmatched paths share one label.
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      end({ route, status: String(ctx.status) });
    }
  };
  return { registry, observe };
}
