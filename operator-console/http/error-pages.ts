import type { Middleware } from 'koa';
import { ApiProblem } from '../../hub/portal/api/hub-api.js';
import { staffErrorPages } from '../../hub/portal/staff/error-pages.js';
import type { Logger } from '../../infra/logger.js';
import { notOperator } from './operator.js';
import type { Pages } from './pages.js';

/**
 * The console's error pages (hub/portal/staff/error-pages.ts, shared with the provider portal). A hub refusal (ApiProblem) no page handled shows with the hub's own words (a token
 * of the wrong kind: the "not an operator" page); any other error carrying an HTTP status shows
 * as a bad request (4xx) or an internal error (5xx).
 */
export function errorPages(pages: Pages, log: Logger): Middleware {
  const shared = staffErrorPages(pages, log, {
    home: '/payments',
    label: 'operator console',
    messages: {
      not_found: { title: 'Page not found', text: 'No such page, payment or case.' },
      unavailable: {
        title: 'Sorry, there is a problem with the service',
        text: 'The hub could not be reached. Try again in a few minutes.',
      },
      not_configured: {
        title: 'Signing in is not set up',
        text: 'OPERATOR_OIDC_CLIENT_SECRET is not set for this console.',
      },
      forbidden: { title: 'You cannot do this', text: 'The hub refused this for your account.' },
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
