import type Router from '@koa/router';
import { isLocale } from '../../../infra/web/locale.js';
import type { PortalDeps } from '../deps.js';
import { field, localPath, queryParam } from '../http/forms.js';
import { chooseLanguage, localeOf } from '../http/locale.js';
import { PortalError } from '../http/portal-error.js';
import { LogoutTokenError } from '../oidc/logout-token.js';
import { BACKCHANNEL_LOGOUT_PATH, CALLBACK_PATH } from '../oidc/relying-party.js';
import { signedOutMarker } from '../oidc/signed-out-marker.js';

/** The citizen portal's "signed out here" flag (see signed-out-marker.ts). */
export const PORTAL_SIGNED_OUT_COOKIE = 'portal-signed-out';
const signedOut = signedOutMarker(PORTAL_SIGNED_OUT_COOKIE);

/** Sign in (code flow + PKCE), the callback, sign out (RP-initiated) and back-channel logout. */
export function authRoutes(router: Router, deps: PortalDeps): void {
  const { rp, options, settings, sessions, logoutTokens, log } = deps;

  router.get('/auth/login', async (ctx) => {
    const returnTo = localPath(queryParam(ctx, 'returnTo'));
    if (ctx.state.session?.current?.user) {
      ctx.status = 303;
      ctx.redirect(returnTo);
      return;
    }
    const { url, login } = await rp.startLogin(returnTo, localeOf(ctx));
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
    // The URL the idp redirected to, as registered: the portal's public base, not the Host header.
    const callbackUrl = new URL(`${options.baseUrl}${CALLBACK_PATH}${ctx.search}`);
    const { user, tokens } = await rp.finishLogin(callbackUrl, login);
    await session.signIn(user, tokens);
    signedOut.clear(ctx);
    // The saved language wins over the browser's until the citizen switches again.
    const saved = await settings.find(user.sub).catch(() => null);
    if (saved?.language && isLocale(saved.language)) {
      chooseLanguage(ctx, saved.language, deps.secure, deps.translator);
    }
    log.info({ audit: true, event: 'portal_sign_in' }, 'citizen signed in to the portal');
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 303;
    ctx.redirect(localPath(login.returnTo));
  });

  router.post('/auth/logout', async (ctx) => {
    const session = ctx.state.session;
    const idToken = session?.current?.tokens?.idToken;
    const signedIn = Boolean(session?.current?.user);
    await session?.end();
    // Ended here first, whatever the citizen then does at the idp's confirmation page; the next
    // sign-in here asks for the person again rather than slipping through on single sign-on.
    signedOut.mark(ctx);
    const endSession = signedIn ? await rp.endSessionUrl(idToken) : undefined;
    ctx.status = 303;
    ctx.redirect(endSession?.href ?? '/');
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
