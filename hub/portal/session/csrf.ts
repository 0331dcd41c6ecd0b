import { timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { PortalError } from '../http/portal-error.js';

/** The hidden form field every portal form carries. */
export const CSRF_FIELD = 'csrf';

/** True when `given` is this session's CSRF token (compared in constant time). */
export function csrfMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Refuses every POST whose form does not carry the session's CSRF token (a synchronizer token,
 * OWASP CSRF cheat sheet), with a 403 page; SameSite=Lax cookies are the second line. The
 * back-channel logout endpoint is exempt: the idp calls it server to server with a signed token.
 * Needs the form body parsed first.
 */
export function csrfProtection(exempt: string[]): Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'POST' && !exempt.includes(ctx.path)) {
      const session = ctx.state.session?.current;
      const given = (ctx.request.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      if (!session || !csrfMatches(session.csrf, given)) {
        throw new PortalError(403, 'csrf', 'the form did not carry this session’s CSRF token');
      }
    }
    await next();
  };
}
