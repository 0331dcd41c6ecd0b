import type { Context, Next } from 'koa';
import { SignInRequired } from '../http/portal-error.js';

/** Route guard: only a signed-in session goes on; others are sent to sign in (see errorPages). */
export async function signedIn(ctx: Context, next: Next): Promise<void> {
  if (!ctx.state.session?.current?.user) throw new SignInRequired();
  await next();
}

/** The signed-in session's handle (after `signedIn`). */
export function sessionOf(ctx: Context) {
  const session = ctx.state.session;
  if (!session?.current?.user) throw new SignInRequired();
  return session;
}

/** The signed-in citizen's subject at the idp (after `signedIn`). */
export function citizenSub(ctx: Context): string {
  const sub = ctx.state.session?.current?.user?.sub;
  if (!sub) throw new SignInRequired();
  return sub;
}

/** The session id of the signed-in session (after `signedIn`). */
export function sessionIdOf(ctx: Context): string {
  return sessionOf(ctx).current?.id ?? '';
}
