import type { Middleware } from 'koa';
import type { Logger } from '../../../infra/logger.js';
import { ApiProblem } from '../api/hub-api.js';
import { PortalError, SignInRequired } from './portal-error.js';
import type { PageRenderer } from './render.js';

/**
 * Errors on portal pages become pages, never problem+json: SignInRequired sends the browser
 * to sign in (back to this page afterwards, for a GET); a PortalError or an API problem that
 * no page handled shows its kind's message with its status; anything else is logged and
 * shown as a 500 page that reveals nothing.
 */
export function errorPages(pages: PageRenderer, log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof SignInRequired) {
        const returnTo = ctx.method === 'GET' ? ctx.originalUrl : '/dashboard';
        ctx.status = 303;
        ctx.redirect(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
        return;
      }
      let status = 500;
      let kind = 'internal';
      if (error instanceof PortalError) {
        ({ status, kind } = error);
        if (status >= 500) log.warn({ err: error }, 'portal page failed');
      } else if (error instanceof ApiProblem) {
        status = error.status === 403 ? 403 : 400;
        kind = error.status === 403 ? 'forbidden' : 'bad_request';
        log.warn({ code: error.code, status: error.status }, 'portal page got an unhandled API problem');
      } else if (isClientHttpError(error)) {
        // The form body parser's refusals (too large, malformed).
        status = error.status;
        kind = 'bad_request';
      } else {
        log.error({ err: error }, 'portal page failed');
      }
      await pages.render(ctx, 'error', { titleKey: `errors.${kind}.title`, kind }, status);
    }
  };
}

function isClientHttpError(error: unknown): error is { status: number } {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
