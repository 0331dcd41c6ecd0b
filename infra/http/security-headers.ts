import type { Middleware } from 'koa';
import helmet from 'koa-helmet';

/**
 * The browser security headers every service sends, from helmet's defaults: HSTS,
 * `X-Content-Type-Options: nosniff`, `X-Frame-Options: SAMEORIGIN`, `Referrer-Policy: no-referrer`,
 * Cross-Origin-Opener/Resource-Policy, no `X-Powered-By`, and the rest of helmet's list.
 * Helmet's default Content-Security-Policy is left out: pages that render HTML set their own,
 * strict one (the idp's interaction pages do; oidc-provider's form_post and logout pages need theirs).
 */
export function securityHeaders(): Middleware {
  return helmet({ contentSecurityPolicy: false });
}
