import type Router from '@koa/router';
import { staffAuthRoutes } from '../../hub/portal/staff/auth-routes.js';
import type { ProviderPortalDeps } from '../deps.js';
import type { MemberUser } from '../oidc/member-relying-party.js';

/** The provider portal's "signed out here" flag (hub/portal/oidc/signed-out-marker.ts). */
export const SIGNED_OUT_COOKIE = 'provider-portal-signed-out';

/**
 * The landing page, sign in (at the idp: single sign-on with the citizen portal, so a person
 * signed in there is not asked for a code again), the callback, sign out and back-channel logout
 * (hub/portal/staff/auth-routes.ts, shared with the operator console).
 */
export function authRoutes(router: Router, deps: ProviderPortalDeps) {
  staffAuthRoutes(router, deps, {
    signedOutCookie: SIGNED_OUT_COOKIE,
    home: '/demands',
    landingTitle: 'Raise and track payment demands',
    async afterSignIn(_ctx, user) {
      deps.log.info(
        { audit: true, event: 'provider_portal_sign_in', provider: (user as MemberUser).provider?.id ?? null },
        'person signed in to the provider portal',
      );
    },
  });
}
