import type Router from '@koa/router';
import { LogoutTokenError } from '../../hub/portal/oidc/logout-token.js';
import { BACKCHANNEL_LOGOUT_PATH } from '../../hub/portal/oidc/relying-party.js';
import { signedOutMarker } from '../../hub/portal/oidc/signed-out-marker.js';
import { signInRoutes } from '../../hub/portal/routes/sign-in-routes.js';
import type { ProviderPortalDeps } from '../deps.js';
import type { MemberUser } from '../oidc/member-relying-party.js';

/** The provider portal's "signed out here" flag (hub/portal/oidc/signed-out-marker.ts). */
export const SIGNED_OUT_COOKIE = 'provider-portal-signed-out';
const signedOut = signedOutMarker(SIGNED_OUT_COOKIE);

/**
 * The landing page, sign in (code flow with PKCE, state, nonce, at the idp: single sign-on with
 * the citizen portal, so a person signed in there is not asked for a code again), the callback,
 * sign out (RP-initiated logout; hub/portal/routes/sign-in-routes.ts, shared with the citizen
 * portal) and back-channel logout.
 */
export function authRoutes(router: Router, { rp, options, pages, sessions, logoutTokens, log }: ProviderPortalDeps) {
  router.get('/', async (ctx) => {
    if (ctx.state.session?.current?.user) {
      ctx.status = 303;
      ctx.redirect('/demands');
      return;
    }
    await pages.render(ctx, 'landing', { title: 'Raise and track payment demands' });
  });

  signInRoutes(router, {
    rp,
    baseUrl: options.baseUrl,
    signedOut,
    home: '/demands',
    // The provider portal is in English only (README.md).
    uiLocale: () => 'en',
    async afterSignIn(_ctx, user) {
      log.info(
        { audit: true, event: 'provider_portal_sign_in', provider: (user as MemberUser).provider?.id ?? null },
        'person signed in to the provider portal',
      );
    },
  });

  // OpenID Connect Back-Channel Logout 1.0: the idp ends this portal's sessions of an idp session.
  router.post(BACKCHANNEL_LOGOUT_PATH, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/json';
    try {
      const body = (ctx.request.body ?? {}) as Record<string, unknown>;
      const claims = await logoutTokens.verify(typeof body.logout_token === 'string' ? body.logout_token : '');
      await sessions.endSessionsOf(claims);
      ctx.status = 200;
      ctx.body = '';
    } catch (error) {
      const refused = error instanceof LogoutTokenError;
      ctx.status = refused ? 400 : 503;
      ctx.body = refused
        ? { error: 'invalid_request', error_description: (error as Error).message }
        : { error: 'temporarily_unavailable' };
    }
  });
}
