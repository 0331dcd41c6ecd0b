import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';

/** Probes hit these every few seconds; their lines would drown the rest at info level. */
const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/prometheus']);

/** Accepts a caller's request id only when it is short and plain, so it is safe to log. */
const ACCEPTABLE_ID = /^[\w.-]{1,64}$/;

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    log: Logger;
  }
}

/** Gives every request an id (echoed in X-Request-Id) and a child logger, and logs its outcome. */
export function requestContext(logger: Logger): Middleware {
  return async (ctx, next) => {
    const offered = ctx.get('x-request-id');
    const requestId = ACCEPTABLE_ID.test(offered) ? offered : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const level = PROBE_PATHS.has(ctx.path) && ctx.status < 400 ? 'debug' : 'info';
      ctx.state.log[level]({ method: ctx.method, path: ctx.path, status: ctx.status, ms }, 'request');
    }
  };
}
