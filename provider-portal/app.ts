import type Koa from 'koa';
import { mountStaffPortal, type StaffPortalServices } from '../hub/portal/staff/app.js';
import { DemandsApi } from './api/demands-api.js';
import { errorPages } from './http/error-pages.js';
import { Pages } from './http/pages.js';
import { portalAssets } from './http/portal-assets.js';
import { MemberRelyingParty } from './oidc/member-relying-party.js';
import type { ProviderPortalOptions } from './options.js';
import { authRoutes } from './routes/auth-routes.js';
import { dashboardRoutes } from './routes/dashboard-routes.js';
import { demandRoutes } from './routes/demand-routes.js';
import { raiseRoutes } from './routes/raise-routes.js';
import { UPLOAD_PATH, uploadRoutes } from './routes/upload-routes.js';

/** The portal's connections: Redis for sessions (a key space of its own), and the logger. */
export type ProviderPortalServices = StaffPortalServices;

/**
 * Mounts the provider portal on a service app (hub/portal/staff/app.ts, shared with the operator
 * console): server-rendered pages that sign a provider's members in at the idp and call the hub's
 * provider API with their access token.
 */
export function mountProviderPortal(app: Koa, options: ProviderPortalOptions, services: ProviderPortalServices) {
  mountStaffPortal(
    app,
    {
      options,
      pages: new Pages(new URL(options.oidc.issuer).origin, options.citizenPortalUrl),
      rp: new MemberRelyingParty(options, services.log),
      notConfiguredWarning: 'PARTNER_OIDC_CLIENT_SECRET is not set: the provider portal cannot sign anyone in',
      api: (tokens) => new DemandsApi(options.apiUrl, options.timeoutMs, tokens),
      errorPages,
      // The upload checks its own CSRF token (it reads a multipart body).
      csrfExempt: [UPLOAD_PATH],
      // Fixed paths before /demands/:reference.
      routeGroups: [authRoutes, dashboardRoutes, raiseRoutes, uploadRoutes, demandRoutes],
      stylesheet: portalAssets(),
    },
    services,
  );
}
