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
      // A dependency that is down: its message stays inside, but the client learns it may retry.
      const retryable = app?.details?.retryable === true;
      const detail = expose
        ? (error.message ?? '')
        : retryable
          ? 'temporarily unavailable: try again'
          : 'internal error';
      ctx.status = status;
      ctx.type = 'application/problem+json';
      // Details never override the problem's own members (RFC 9457 §3.1: status is the HTTP status).
      ctx.body = {
        ...(expose && app?.details ? app.details : {}),
        ...(retryable ? { retryable: true } : {}),
        ...problem(status, code, detail),
      };
    }
  };
}

function problem(status: number, code: string, detail: string) {
  return { type: `urn:problem:${code}`, title: code.replace(/_/g, ' '), status, code, detail };
}
