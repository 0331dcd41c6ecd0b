import type { Context, Next } from 'koa';
import { SignInRequired } from '../../hub/portal/http/portal-error.js';
import type { SessionHandle } from '../../hub/portal/session/session-cookie.js';
import type { MemberProvider, MemberUser } from '../oidc/member-relying-party.js';
import type { Pages } from './pages.js';

/** A signed-in member's session and organisation (after `memberOnly`). */
export interface Member {
  session: SessionHandle;
  user: MemberUser;
  provider: MemberProvider;
}

/**
 * Route guard of every demand page: no session sends the browser to sign in; a person who is not
 * a member of a provider organisation gets the 403 "not a member" page (they are signed in at the
 * idp, and can sign out from it), never an empty dashboard.
 */
export function memberOnly(pages: Pages) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const user = ctx.state.session?.current?.user as MemberUser | undefined;
    if (!user) throw new SignInRequired();
    if (!user.provider) {
      await pages.render(ctx, 'not-member', { title: 'Your account is not a member of a provider organisation' }, 403);
      return;
    }
    await next();
  };
}

/** The member of this request (after `memberOnly`). */
export function memberOf(ctx: Context): Member {
  const session = ctx.state.session;
  const user = session?.current?.user as MemberUser | undefined;
  if (!session || !user?.provider) throw new SignInRequired();
  return { session, user, provider: user.provider };
}
