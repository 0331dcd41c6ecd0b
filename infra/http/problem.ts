import type { Middleware } from 'koa';
import { AppError } from '../errors.js';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
}

/**
 * Renders every error as application/problem+json (RFC 9457): AppErrors with their code,
 * Koa/http-errors with their status, anything else as an opaque 500 that is logged.
 */
export function problemResponses(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.type = 'application/problem+json';
        ctx.body = problem(404, 'not_found', `no route for ${ctx.method} ${ctx.path}`);
      }
    } catch (caught) {
      const error = caught as HttpLikeError;
      let status = error.status ?? error.statusCode ?? 500;
      if (status < 400 || status > 599) status = 500;
      const app = caught instanceof AppError ? caught : undefined;
      const expose = app ? app.expose : (error.expose ?? status < 500);
      if (status >= 500) ctx.state.log?.error({ err: caught }, 'request failed');
      const code = app?.code ?? (status >= 500 ? 'internal_error' : 'bad_request');
      const detail = expose ? (error.message ?? '') : 'internal error';
      ctx.status = status;
      ctx.type = 'application/problem+json';
      ctx.body = { ...problem(status, code, detail), ...(expose && app?.details ? app.details : {}) };
    }
  };
}

function problem(status: number, code: string, detail: string) {
  return { type: `urn:problem:${code}`, title: code.replace(/_/g, ' '), status, code, detail };
}
