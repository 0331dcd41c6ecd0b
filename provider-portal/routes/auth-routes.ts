import type Router from '@koa/router';
import { localPath, queryParam } from '../../hub/portal/http/forms.js';
import { PortalError } from '../../hub/portal/http/portal-error.js';
import { LogoutTokenError } from '../../hub/portal/oidc/logout-token.js';
import { BACKCHANNEL_LOGOUT_PATH, CALLBACK_PATH } from '../../hub/portal/oidc/relying-party.js';
import { signedOutMarker } from '../../hub/portal/oidc/signed-out-marker.js';
import type { ProviderPortalDeps } from '../deps.js';
import type { MemberUser } from '../oidc/member-relying-party.js';

/** The provider portal's "signed out here" flag (hub/portal/oidc/signed-out-marker.ts). */
export const SIGNED_OUT_COOKIE = 'provider-portal-signed-out';
const signedOut = signedOutMarker(SIGNED_OUT_COOKIE);

/**
 * The landing page, sign in (code flow with PKCE, state, nonce, at the idp: single sign-on with
 * the citizen portal, so a person signed in there is not asked for a code again), the callback,
 * sign out (RP-initiated logout) and back-channel logout.
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

  router.get('/auth/login', async (ctx) => {
    const returnTo = localPath(queryParam(ctx, 'returnTo'), '/demands');
    if (ctx.state.session?.current?.user) {
      ctx.status = 303;
      ctx.redirect(returnTo);
      return;
    }
    const { url, login } = await rp.startLogin(returnTo, 'en');
    signedOut.applyTo(ctx, url);
    await ctx.state.session?.beginLogin(login);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 303;
    ctx.redirect(url.href);
  });

  router.get(CALLBACK_PATH, async (ctx) => {
    const session = ctx.state.session;
    const login = session?.current?.login;
    if (!session || !login) throw new PortalError(400, 'sign_in_failed', 'no sign-in in progress for this browser');
    const callbackUrl = new URL(`${options.baseUrl}${CALLBACK_PATH}${ctx.search}`);
    const { user, tokens } = await rp.finishLogin(callbackUrl, login);
    await session.signIn(user, tokens);
    signedOut.clear(ctx);
    log.info(
      { audit: true, event: 'provider_portal_sign_in', provider: (user as MemberUser).provider?.id ?? null },
      'person signed in to the provider portal',
    );
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 303;
    ctx.redirect(localPath(login.returnTo, '/demands'));
  });

  // Sign out ends this portal's session here first, whatever the person then does at the idp's
  // confirmation page (sign out everywhere, stay signed in there, or close the tab), and marks the
  // browser so the next sign-in asks for the person again rather than slipping through on SSO.
  router.post('/auth/logout', async (ctx) => {
    const session = ctx.state.session;
    const idToken = session?.current?.tokens?.idToken;
    const signedIn = Boolean(session?.current?.user);
    await session?.end();
    signedOut.mark(ctx);
    const endSession = signedIn ? await rp.endSessionUrl(idToken) : undefined;
    ctx.status = 303;
    ctx.redirect(endSession?.href ?? '/');
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
