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
        // An action sent to a hub that broke or answered too late (a slow biller) may have been done.
        text: 'The hub did not answer, or not in time. If you sent an action, it may still have been done: look at the payment’s audit entries or the Audit page before trying it again.',
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
