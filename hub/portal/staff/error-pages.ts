import type { Middleware } from 'koa';
import type { Logger } from '../../../infra/logger.js';
import { portalErrorPages } from '../http/error-pages.js';
import type { StaffPages } from './pages.js';

/** A heading and a sentence. */
export interface ErrorMessage {
  title: string;
  text: string;
}

/** What each kind of error says on every staff portal, unless the portal says otherwise. */
const SHARED_MESSAGES: Record<string, ErrorMessage> = {
  csrf: { title: 'Your form expired', text: 'Go back, reload the page and send the form again.' },
  sign_in_failed: { title: 'You could not be signed in', text: 'The sign-in did not complete. Sign in again.' },
  bad_request: { title: 'Something in the request was not right', text: 'Go back and try again.' },
  internal: { title: 'Sorry, there is a problem with the service', text: 'Try again later.' },
};

/** The words a portal chooses for itself: what is not found, who cannot be reached, which secret is missing, who refuses. */
export type OwnMessages = Record<'not_found' | 'unavailable' | 'not_configured' | 'forbidden', ErrorMessage>;

/**
 * A staff portal's error pages (hub/portal/http/error-pages.ts portalErrorPages, shared with the
 * citizen portal): `home` and `label` as there, the portal's own `messages` over the shared ones;
 * any other error carrying an HTTP status shows as a bad request (4xx) or an internal error (5xx)
 * with that status.
 */
export function staffErrorPages(
  pages: StaffPages,
  log: Logger,
  portal: { home: string; label: string; messages: OwnMessages },
): Middleware {
  const messages: Record<string, ErrorMessage> = { ...SHARED_MESSAGES, ...portal.messages };
  return portalErrorPages(log, {
    home: portal.home,
    label: portal.label,
    httpError(error) {
      const status = (error as { status?: unknown } | null)?.status;
      if (typeof status !== 'number') return undefined;
      return { status, kind: status < 500 ? 'bad_request' : 'internal' };
    },
    render(ctx, kind, status) {
      const message = messages[kind] ?? (messages.internal as ErrorMessage);
      return pages.render(ctx, 'error', { title: message.title, text: message.text, kind }, status);
    },
  });
}
