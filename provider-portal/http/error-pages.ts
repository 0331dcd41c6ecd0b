import type { Middleware } from 'koa';
import { portalErrorPages } from '../../hub/portal/http/error-pages.js';
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
 * The provider portal's error pages (hub/portal/http/error-pages.ts portalErrorPages, shared with
 * the citizen portal): any other error carrying an HTTP status shows as a bad request (4xx) or an
 * internal error (5xx) with that status.
 */
export function errorPages(pages: Pages, log: Logger): Middleware {
  return portalErrorPages(log, {
    home: '/demands',
    label: 'provider portal',
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
}
