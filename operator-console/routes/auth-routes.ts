import type Router from '@koa/router';
import { staffAuthRoutes } from '../../hub/portal/staff/auth-routes.js';
import type { OperatorConsoleDeps } from '../deps.js';
import type { OperatorUser } from '../oidc/operator-relying-party.js';

/** The console's "signed out here" flag (hub/portal/oidc/signed-out-marker.ts). */
export const SIGNED_OUT_COOKIE = 'operator-console-signed-out';

/**
 * The landing page, sign in (at the idp, which requires the authenticator app of an operator
 * here), the callback, sign out and back-channel logout (hub/portal/staff/auth-routes.ts, shared
 * with the provider portal).
 */
export function authRoutes(router: Router, deps: OperatorConsoleDeps) {
  staffAuthRoutes(router, deps, {
    signedOutCookie: SIGNED_OUT_COOKIE,
    home: '/payments',
    landingTitle: 'Citizen BillPay operations console',
    async afterSignIn(_ctx, user) {
      const team = (user as OperatorUser).team ?? null;
      deps.log.info(
        { audit: true, event: 'operator_console_sign_in', sub: user.sub, operator: team !== null },
        team ? 'operator signed in to the operator console' : 'a person who is not an operator signed in',
      );
    },
  });
}
