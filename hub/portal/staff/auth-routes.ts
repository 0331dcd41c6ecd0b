import type Router from '@koa/router';
import type { Context } from 'koa';
import { LogoutTokenError } from '../oidc/logout-token.js';
import { BACKCHANNEL_LOGOUT_PATH } from '../oidc/relying-party.js';
import { signedOutMarker } from '../oidc/signed-out-marker.js';
import { signInRoutes } from '../routes/sign-in-routes.js';
import type { SessionUser } from '../session/session-store.js';
import type { StaffPortalDeps } from './app.js';

/** What differs between the staff portals' sign-in. */
export interface StaffAuthSetup {
  /** The portal's "signed out here" flag (hub/portal/oidc/signed-out-marker.ts). */
  signedOutCookie: string;
  /** Where a signed-in person lands. */
  home: string;
  /** The landing page's title. */
  landingTitle: string;
  /** Logs the sign-in (an audit event of the portal's own). */
  afterSignIn(ctx: Context, user: SessionUser): Promise<void>;
}

/**
 * A staff portal's landing page (a signed-in person goes `home`), sign in (code flow with PKCE,
 * state, nonce, at the idp), the callback, sign out (RP-initiated logout;
 * hub/portal/routes/sign-in-routes.ts, shared with the citizen portal) and back-channel logout.
 * English only.
 */
export function staffAuthRoutes(
  router: Router,
  { rp, options, pages, sessions, logoutTokens }: StaffPortalDeps,
  setup: StaffAuthSetup,
): void {
  router.get('/', async (ctx) => {
    if (ctx.state.session?.current?.user) {
      ctx.status = 303;
      ctx.redirect(setup.home);
      return;
    }
    await pages.render(ctx, 'landing', { title: setup.landingTitle });
  });

  signInRoutes(router, {
    rp,
    baseUrl: options.baseUrl,
    signedOut: signedOutMarker(setup.signedOutCookie),
    home: setup.home,
    uiLocale: () => 'en',
    afterSignIn: setup.afterSignIn,
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
