import type { Context } from 'koa';

/** How long a browser remembers that someone pressed "Sign out" here: 30 days. */
const SIGNED_OUT_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

/**
 * A browser where someone pressed "Sign out" in a portal: that portal's next sign-in asks the
 * idp to sign the person in afresh (`prompt=login`, OpenID Connect Core §3.1.2.1) instead of
 * riding the idp's single sign-on session, which is still alive when the person closed or
 * declined the idp's "sign out everywhere" page (on a shared counter computer, the next person
 * would otherwise walk in). Not secret: an HttpOnly flag cookie per portal, cleared by the next
 * completed sign-in.
 */
export interface SignedOutMarker {
  /** After "Sign out": remember it in this browser. */
  mark(ctx: Context): void;
  /** Before going to the idp: ask for a fresh sign-in when the browser was signed out here. */
  applyTo(ctx: Context, authorizationUrl: URL): void;
  /** After a completed sign-in: forget it. */
  clear(ctx: Context): void;
}

/** The marker kept in the cookie `cookieName` (one name per portal). */
export function signedOutMarker(cookieName: string): SignedOutMarker {
  return {
    mark(ctx) {
      ctx.cookies.set(cookieName, '1', {
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.secure,
        maxAge: SIGNED_OUT_MAX_AGE_MS,
        overwrite: true,
      });
    },
    applyTo(ctx, authorizationUrl) {
      if (ctx.cookies.get(cookieName)) authorizationUrl.searchParams.set('prompt', 'login');
    },
    clear(ctx) {
      if (ctx.cookies.get(cookieName)) ctx.cookies.set(cookieName, null, { overwrite: true });
    },
  };
}
