import type { Context, Next } from 'koa';
import { SignInRequired } from '../../hub/portal/http/portal-error.js';
import type { SessionHandle } from '../../hub/portal/session/session-cookie.js';
import type { OperatorUser } from '../oidc/operator-relying-party.js';
import type { Pages } from './pages.js';

/** A signed-in operator's session and team (after `operatorOnly`). */
export interface Operator {
  session: SessionHandle;
  user: OperatorUser;
  team: string;
}

/** The "not an operator" page (403): signed in at the idp, but not an operator of the roles file. */
export function notOperator(ctx: Context, pages: Pages): Promise<void> {
  return pages.render(ctx, 'not-operator', { title: 'Your account is not an operator account' }, 403);
}

/**
 * Route guard of every console page but the landing page: no session sends the browser to sign
 * in; a person who is not an operator gets the 403 "not an operator" page (they are signed in at
 * the idp, and can sign out from it), never an empty console.
 */
export function operatorOnly(pages: Pages) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const user = ctx.state.session?.current?.user as OperatorUser | undefined;
    if (!user) throw new SignInRequired();
    if (!user.team) return notOperator(ctx, pages);
    await next();
  };
}

/** The operator of this request (after `operatorOnly`). */
export function operatorOf(ctx: Context): Operator {
  const session = ctx.state.session;
  const user = session?.current?.user as OperatorUser | undefined;
  if (!session || !user?.team) throw new SignInRequired();
  return { session, user, team: user.team };
}
