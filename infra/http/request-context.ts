import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';

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
      ctx.state.log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms }, 'request');
    }
  };
}
