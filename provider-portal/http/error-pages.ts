import type { Middleware } from 'koa';
import { ApiProblem } from '../../hub/portal/api/hub-api.js';
import { PortalError, SignInRequired } from '../../hub/portal/http/portal-error.js';
import type { Logger } from '../../infra/logger.js';
import type { Pages } from './pages.js';

/** What each kind of error says, in a heading and a sentence. */
const MESSAGES: Record<string, { title: string; text: string }> = {
  csrf: { title: 'Your form expired', text: 'Go back, reload the page and send the form again.' },
  not_found: { title: 'Page not found', text: 'No such page or demand of your organisation.' },
  unavailable: {
    title: 'Sorry, there is a problem with the service',
    text: 'The service could not be reached. Try again in a few minutes.',
  },
  sign_in_failed: { title: 'You could not be signed in', text: 'The sign-in did not complete. Sign in again.' },
  not_configured: { title: 'Signing in is not set up', text: 'PARTNER_OIDC_CLIENT_SECRET is not set for this portal.' },
  bad_request: { title: 'Something in the request was not right', text: 'Go back and try again.' },
  forbidden: { title: 'You cannot do this', text: 'Your organisation does not allow this action.' },
  internal: { title: 'Sorry, there is a problem with the service', text: 'Try again later.' },
};

/**
 * Errors become pages, never problem+json: SignInRequired sends the browser to sign in (back to
 * this page afterwards, for a GET); a PortalError or an unhandled API problem shows its kind's
 * message with its status; anything else is logged and shown as a 500 page revealing nothing.
 */
export function errorPages(pages: Pages, log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof SignInRequired) {
        const returnTo = ctx.method === 'GET' ? ctx.originalUrl : '/demands';
        ctx.status = 303;
        ctx.redirect(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
        return;
      }
      let status = 500;
      let kind = 'internal';
      if (error instanceof PortalError) {
        ({ status, kind } = error);
        if (status >= 500) log.warn({ err: error }, 'provider portal page failed');
      } else if (error instanceof ApiProblem) {
        status = error.status === 403 ? 403 : 400;
        kind = error.status === 403 ? 'forbidden' : 'bad_request';
        log.warn({ code: error.code, status: error.status }, 'provider portal page got an unhandled API problem');
      } else if (typeof (error as { status?: unknown })?.status === 'number') {
        status = (error as { status: number }).status;
        kind = status < 500 ? 'bad_request' : 'internal';
      } else {
        log.error({ err: error }, 'provider portal page failed');
      }
      const message = MESSAGES[kind] ?? (MESSAGES.internal as { title: string; text: string });
      await pages.render(ctx, 'error', { title: message.title, text: message.text, kind }, status);
    }
  };
}
