import type { Middleware } from 'koa';
import { staffErrorPages } from '../../hub/portal/staff/error-pages.js';
import type { Logger } from '../../infra/logger.js';
import type { Pages } from './pages.js';

/**
 * The provider portal's error pages (hub/portal/staff/error-pages.ts, shared with the operator
 * console): any error carrying an HTTP status shows as a bad request (4xx) or an internal error
 * (5xx) with that status.
 */
export function errorPages(pages: Pages, log: Logger): Middleware {
  return staffErrorPages(pages, log, {
    home: '/demands',
    label: 'provider portal',
    messages: {
      not_found: { title: 'Page not found', text: 'No such page or demand of your organisation.' },
      unavailable: {
        title: 'Sorry, there is a problem with the service',
        text: 'The service could not be reached. Try again in a few minutes.',
      },
      not_configured: {
        title: 'Signing in is not set up',
        text: 'PARTNER_OIDC_CLIENT_SECRET is not set for this portal.',
      },
      forbidden: { title: 'You cannot do this', text: 'Your organisation does not allow this action.' },
    },
  });
}
