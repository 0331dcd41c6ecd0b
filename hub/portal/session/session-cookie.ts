import type { Context, Middleware } from 'koa';
import type { PendingLogin, Session, SessionStore, SessionTokens, SessionUser } from './session-store.js';

/** What a portal request knows about its session; see `sessions()`. */
export interface SessionHandle {
  /** The session, if the browser has a live one. */
  readonly current: Session | undefined;
  /** The session, made (and its cookie set) when the browser has none yet. */
  ensure(): Promise<Session>;
  /** Stores a sign-in in progress on the (possibly new) session. */
  beginLogin(login: PendingLogin): Promise<void>;
  /**
   * Signs in: a new session id (so an id known before sign-in is worthless after it, OWASP
   * session fixation), the old session gone, the user and tokens stored server-side only.
   */
  signIn(user: SessionUser, tokens: SessionTokens): Promise<Session>;
  /** Replaces the tokens after a refresh, and stores them. */
  updateTokens(tokens: SessionTokens): Promise<void>;
  /** Takes tokens another request already stored. */
  updateTokensLocally(tokens: SessionTokens): Promise<void>;
  /** Ends the session here and clears its cookie. */
  end(): Promise<void>;
}

declare module 'koa' {
  interface DefaultState {
    session?: SessionHandle;
  }
}

/** How the session cookie is set. */
export interface SessionCookieOptions {
  /** Secure cookies (and the `__Host-` name) when the portal is served over https. */
  secure: boolean;
}

/** The cookie's name: `__Host-` binds it to this exact origin, which browsers allow only with Secure. */
export const sessionCookieName = (secure: boolean) => (secure ? '__Host-portal_session' : 'portal_session');

/**
 * The session of each portal request, from an opaque id in an HttpOnly, SameSite=Lax cookie
 * (Secure over https). The cookie holds nothing but the id; every token stays in Redis. A used
 * session's idle lifetime is renewed after the response.
 */
export function sessions(store: SessionStore, options: SessionCookieOptions): Middleware {
  const name = sessionCookieName(options.secure);
  const setCookie = (ctx: Context, id: string | null) =>
    ctx.cookies.set(name, id, {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secure,
      path: '/',
      overwrite: true,
      signed: false,
    });
  return async (ctx, next) => {
    let current = await store.load(ctx.cookies.get(name));
    const handle: SessionHandle = {
      get current() {
        return current;
      },
      async ensure() {
        if (current) return current;
        current = store.create();
        await store.save(current);
        setCookie(ctx, current.id);
        return current;
      },
      async beginLogin(login) {
        const session = await handle.ensure();
        session.login = login;
        await store.save(session);
      },
      async signIn(user, tokens) {
        if (current) await store.destroy(current);
        current = { ...store.create(), user, tokens };
        await store.save(current);
        setCookie(ctx, current.id);
        return current;
      },
      async updateTokens(tokens) {
        if (!current) return;
        current.tokens = tokens;
        await store.save(current);
      },
      async updateTokensLocally(tokens) {
        if (current) current.tokens = tokens;
      },
      async end() {
        if (current) await store.destroy(current);
        current = undefined;
        setCookie(ctx, null);
      },
    };
    ctx.state.session = handle;
    const used = current;
    await next();
    if (used && current === used) await store.touch(used).catch(() => {});
  };
}
