import type Router from '@koa/router';
import { isLocale } from '../../../infra/web/locale.js';
import type { PortalDeps } from '../deps.js';
import { field } from '../http/forms.js';
import { chooseLanguage, localeOf } from '../http/locale.js';
import { LogoutTokenError } from '../oidc/logout-token.js';
import { BACKCHANNEL_LOGOUT_PATH } from '../oidc/relying-party.js';
import { signedOutMarker } from '../oidc/signed-out-marker.js';
import { signInRoutes } from './sign-in-routes.js';

/** The citizen portal's "signed out here" flag (see signed-out-marker.ts). */
export const PORTAL_SIGNED_OUT_COOKIE = 'portal-signed-out';
const signedOut = signedOutMarker(PORTAL_SIGNED_OUT_COOKIE);

/** Sign in, the callback and sign out (sign-in-routes.ts, shared with the provider portal) and back-channel logout. */
export function authRoutes(router: Router, deps: PortalDeps): void {
  const { rp, options, settings, sessions, logoutTokens, log } = deps;

  signInRoutes(router, {
    rp,
    baseUrl: options.baseUrl,
    signedOut,
    home: '/dashboard',
    uiLocale: localeOf,
    async afterSignIn(ctx, user) {
      // The saved language wins over the browser's until the citizen switches again.
      const saved = await settings.find(user.sub).catch(() => null);
      if (saved?.language && isLocale(saved.language)) {
        chooseLanguage(ctx, saved.language, deps.secure, deps.translator);
      }
      log.info({ audit: true, event: 'portal_sign_in' }, 'citizen signed in to the portal');
    },
  });

  // OpenID Connect Back-Channel Logout 1.0 §2.5-2.8: the idp POSTs a signed logout token.
  router.post(BACKCHANNEL_LOGOUT_PATH, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    try {
      const claims = await logoutTokens.verify(field(ctx, 'logout_token'));
      const ended = await sessions.endSessionsOf(claims);
      log.info({ audit: true, event: 'portal_backchannel_logout', ended }, 'idp logout ended portal sessions');
      ctx.status = 200;
      ctx.body = '';
    } catch (error) {
      // Answered in JSON (§2.8), never as a page: the caller is the idp, not a browser.
      const refused = error instanceof LogoutTokenError;
      log.warn({ reason: (error as Error).message }, 'back-channel logout not done');
      ctx.status = refused ? 400 : 503;
      ctx.type = 'application/json';
      ctx.body = refused
        ? { error: 'invalid_request', error_description: (error as Error).message }
        : { error: 'temporarily_unavailable' };
    }
  });
}
