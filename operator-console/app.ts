import type Koa from 'koa';
import { mountStaffPortal, type StaffPortalServices } from '../hub/portal/staff/app.js';
import { OperatorApi } from './api/operator-api.js';
import { consoleAssets } from './http/console-assets.js';
import { errorPages } from './http/error-pages.js';
import { Pages } from './http/pages.js';
import { OperatorRelyingParty } from './oidc/operator-relying-party.js';
import type { OperatorConsoleOptions } from './options.js';
import { ROUTE_GROUPS } from './routes/index.js';

/** The console's connections: Redis for sessions (a key space of its own), and the logger. */
export type OperatorConsoleServices = StaffPortalServices;

/**
 * Mounts the operator console on a service app (hub/portal/staff/app.ts, shared with the provider
 * portal): server-rendered pages that sign operators in at the idp (with the authenticator app)
 * and call the hub's operator API with their access token.
 */
export function mountOperatorConsole(
  app: Koa,
  options: OperatorConsoleOptions,
  services: OperatorConsoleServices,
): void {
  mountStaffPortal(
    app,
    {
      options,
      pages: new Pages(new URL(options.oidc.issuer).origin, options.accountUrl),
      rp: new OperatorRelyingParty(options, services.log),
      notConfiguredWarning: 'OPERATOR_OIDC_CLIENT_SECRET is not set: the operator console cannot sign anyone in',
      api: (tokens) => new OperatorApi(options.apiUrl, options.timeoutMs, tokens),
      errorPages,
      routeGroups: ROUTE_GROUPS,
      stylesheet: consoleAssets(),
    },
    services,
  );
}
