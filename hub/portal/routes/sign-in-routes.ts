import type Router from '@koa/router';
import type { Context } from 'koa';
import { localPath, queryParam } from '../http/forms.js';
import { PortalError } from '../http/portal-error.js';
import { CALLBACK_PATH, type RelyingParty } from '../oidc/relying-party.js';
import type { SignedOutMarker } from '../oidc/signed-out-marker.js';
import type { SessionUser } from '../session/session-store.js';

/** What differs between the portals that sign people in at the idp (citizen and provider portals). */
export interface SignInOptions {
  rp: RelyingParty;
  /** The portal's public base URL: the callback URL as registered at the idp, never the Host header. */
  baseUrl: string;
  /** This portal's "signed out here" flag. */
  signedOut: SignedOutMarker;
  /** Where a sign-in without a (local) returnTo lands, e.g. '/dashboard'. */
  home: string;
  /** The language the idp's pages are shown in. */
  uiLocale(ctx: Context): string;
  /** After the session holds the user: the portal's own steps (settings, the audit log line). */
  afterSignIn(ctx: Context, user: SessionUser): Promise<void>;
}

/**
 * Sign in (code flow with PKCE, state, nonce), the callback and sign out (RP-initiated logout),
 * alike in the citizen portal and the provider portal, so both keep the same session and
 * single-sign-on rules: sign out ends the session here first and marks the browser, so the next
 * sign-in asks for the person again rather than slipping through on single sign-on.
 */
export function signInRoutes(router: Router, options: SignInOptions): void {
  const { rp, signedOut, home } = options;

  router.get('/auth/login', async (ctx) => {
    const returnTo = localPath(queryParam(ctx, 'returnTo'), home);
    if (ctx.state.session?.current?.user) {
      ctx.status = 303;
      ctx.redirect(returnTo);
      return;
    }
    const { url, login } = await rp.startLogin(returnTo, options.uiLocale(ctx));
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
    await options.afterSignIn(ctx, user);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 303;
    ctx.redirect(localPath(login.returnTo, home));
  });

  router.post('/auth/logout', async (ctx) => {
    const session = ctx.state.session;
    const idToken = session?.current?.tokens?.idToken;
    const signedIn = Boolean(session?.current?.user);
    await session?.end();
    // Ended here first, whatever the person then does at the idp's confirmation page; the next
    // sign-in here asks for the person again rather than slipping through on single sign-on.
    signedOut.mark(ctx);
    const endSession = signedIn ? await rp.endSessionUrl(idToken) : undefined;
    ctx.status = 303;
    ctx.redirect(endSession?.href ?? '/');
  });
}
