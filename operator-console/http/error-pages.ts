import type { Middleware } from 'koa';
import { ApiProblem } from '../../hub/portal/api/hub-api.js';
import { portalErrorPages } from '../../hub/portal/http/error-pages.js';
import type { Logger } from '../../infra/logger.js';
import { notOperator } from './operator.js';
import type { Pages } from './pages.js';

/** What each kind of error says, in a heading and a sentence. */
const MESSAGES: Record<string, { title: string; text: string }> = {
  csrf: { title: 'Your form expired', text: 'Go back, reload the page and send the form again.' },
  not_found: { title: 'Page not found', text: 'No such page, payment or case.' },
  unavailable: {
    title: 'Sorry, there is a problem with the service',
    text: 'The hub could not be reached. Try again in a few minutes.',
  },
  sign_in_failed: { title: 'You could not be signed in', text: 'The sign-in did not complete. Sign in again.' },
  not_configured: {
    title: 'Signing in is not set up',
    text: 'OPERATOR_OIDC_CLIENT_SECRET is not set for this console.',
  },
  bad_request: { title: 'Something in the request was not right', text: 'Go back and try again.' },
  forbidden: { title: 'You cannot do this', text: 'The hub refused this for your account.' },
  internal: { title: 'Sorry, there is a problem with the service', text: 'Try again later.' },
};

/**
 * The console's error pages (hub/portal/http/error-pages.ts portalErrorPages, shared with the
 * portals). A hub refusal (ApiProblem) no page handled shows with the hub's own words (a token
 * of the wrong kind: the "not an operator" page); any other error carrying an HTTP status shows
 * as a bad request (4xx) or an internal error (5xx).
 */
export function errorPages(pages: Pages, log: Logger): Middleware {
  const shared = portalErrorPages(log, {
    home: '/payments',
    label: 'operator console',
    httpError(error) {
      const status = (error as { status?: unknown } | null)?.status;
      if (typeof status !== 'number') return undefined;
      return { status, kind: status < 500 ? 'bad_request' : 'internal' };
    },
    render(ctx, kind, status) {
      const message = MESSAGES[kind] ?? (MESSAGES.internal as { title: string; text: string });
      return pages.render(ctx, 'error', { title: message.title, text: message.text, kind }, status);
    },
  });
  return (ctx, next) =>
    shared(ctx, async () => {
      try {
        await next();
      } catch (error) {
        if (!(error instanceof ApiProblem)) throw error;
        log.warn({ code: error.code, status: error.status }, 'operator console page got an unhandled API problem');
        if (error.code === 'wrong_token_kind') return notOperator(ctx, pages);
        const title =
          error.code === 'insufficient_user_authentication'
            ? 'Sign in again with your authenticator app'
            : error.status === 403 || error.status === 401
              ? 'You cannot do this'
              : error.status === 409
                ? 'The hub refused this in the state it found'
                : 'Something in the request was not right';
        const status = error.status === 401 || error.status === 403 ? 403 : error.status === 409 ? 409 : 400;
        await pages.render(ctx, 'error', { title, text: error.detail || error.code, kind: error.code }, status);
      }
    });
}
