import type { Context, Middleware } from 'koa';
import type { Logger } from '../../../infra/logger.js';
import { ApiProblem } from '../api/hub-api.js';
import { PortalError, SignInRequired } from './portal-error.js';
import type { PageRenderer } from './render.js';

/** What one portal does with the errors its pages throw; see portalErrorPages. */
export interface ErrorPageOptions {
  /** Where a non-GET request returns after signing in, e.g. '/dashboard'. */
  home: string;
  /** Names the portal in log lines, e.g. 'portal'. */
  label: string;
  /** An error other than a PortalError or ApiProblem as {status, kind}, or undefined to log it and answer 500. */
  httpError(error: unknown): { status: number; kind: string } | undefined;
  /** Renders the error page of this kind with this status. */
  render(ctx: Context, kind: string, status: number): Promise<void>;
}

/**
 * Errors become pages, never problem+json: SignInRequired sends the browser to sign in (back to
 * this page afterwards, for a GET); a PortalError or an API problem that no page handled shows its
 * kind's message with its status; anything else is logged and shown as a 500 page that reveals
 * nothing. Shared by the citizen portal and the provider portal so both treat errors alike.
 */
export function portalErrorPages(log: Logger, options: ErrorPageOptions): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof SignInRequired) {
        const returnTo = ctx.method === 'GET' ? ctx.originalUrl : options.home;
        ctx.status = 303;
        ctx.redirect(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
        return;
      }
      let status = 500;
      let kind = 'internal';
      const http = error instanceof PortalError || error instanceof ApiProblem ? undefined : options.httpError(error);
      if (error instanceof PortalError) {
        ({ status, kind } = error);
        if (status >= 500) log.warn({ err: error }, `${options.label} page failed`);
      } else if (error instanceof ApiProblem) {
        status = error.status === 403 ? 403 : 400;
        kind = error.status === 403 ? 'forbidden' : 'bad_request';
        log.warn({ code: error.code, status: error.status }, `${options.label} page got an unhandled API problem`);
      } else if (http) {
        ({ status, kind } = http);
      } else {
        log.error({ err: error }, `${options.label} page failed`);
      }
      await options.render(ctx, kind, status);
    }
  };
}

/** The citizen portal's error pages (portalErrorPages); the form body parser's refusals are 4xx pages. */
export function errorPages(pages: PageRenderer, log: Logger): Middleware {
  return portalErrorPages(log, {
    home: '/dashboard',
    label: 'portal',
    // The form body parser's refusals (too large, malformed).
    httpError: (error) => (isClientHttpError(error) ? { status: error.status, kind: 'bad_request' } : undefined),
    render: (ctx, kind, status) => pages.render(ctx, 'error', { titleKey: `errors.${kind}.title`, kind }, status),
  });
}

function isClientHttpError(error: unknown): error is { status: number } {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
