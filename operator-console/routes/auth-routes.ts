import type Router from '@koa/router';
import { LogoutTokenError } from '../../hub/portal/oidc/logout-token.js';
import { BACKCHANNEL_LOGOUT_PATH } from '../../hub/portal/oidc/relying-party.js';
import { signedOutMarker } from '../../hub/portal/oidc/signed-out-marker.js';
import { signInRoutes } from '../../hub/portal/routes/sign-in-routes.js';
import type { OperatorConsoleDeps } from '../deps.js';
import type { OperatorUser } from '../oidc/operator-relying-party.js';

/** The console's "signed out here" flag (hub/portal/oidc/signed-out-marker.ts). */
export const SIGNED_OUT_COOKIE = 'operator-console-signed-out';
const signedOut = signedOutMarker(SIGNED_OUT_COOKIE);

/**
 * The landing page, sign in (code flow with PKCE, state, nonce, at the idp, which requires the
 * authenticator app of an operator here), the callback, sign out (RP-initiated logout;
 * hub/portal/routes/sign-in-routes.ts, shared with the portals) and back-channel logout.
 */
export function authRoutes(router: Router, { rp, options, pages, sessions, logoutTokens, log }: OperatorConsoleDeps) {
  router.get('/', async (ctx) => {
    if (ctx.state.session?.current?.user) {
      ctx.status = 303;
      ctx.redirect('/payments');
      return;
    }
    await pages.render(ctx, 'landing', { title: 'Citizen BillPay operations console' });
  });

  signInRoutes(router, {
    rp,
    baseUrl: options.baseUrl,
    signedOut,
    home: '/payments',
    // The console is in English only (README.md).
    uiLocale: () => 'en',
    async afterSignIn(_ctx, user) {
      const team = (user as OperatorUser).team ?? null;
      log.info(
        { audit: true, event: 'operator_console_sign_in', sub: user.sub, operator: team !== null },
        team ? 'operator signed in to the operator console' : 'a person who is not an operator signed in',
      );
    },
  });

  // OpenID Connect Back-Channel Logout 1.0: the idp ends this console's sessions of an idp session.
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
