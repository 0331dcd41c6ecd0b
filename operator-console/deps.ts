import type Router from '@koa/router';
import type { StaffPortalDeps } from '../hub/portal/staff/app.js';
import type { OperatorApi } from './api/operator-api.js';
import type { Pages } from './http/pages.js';
import type { OperatorRelyingParty } from './oidc/operator-relying-party.js';
import type { OperatorConsoleOptions } from './options.js';

/**
 * What the console's route groups share: the staff portals' dependencies, with the hub's operator
 * API (/api/v1/operator/*) as the signed-in operator.
 */
export type OperatorConsoleDeps = StaffPortalDeps<OperatorConsoleOptions, Pages, OperatorApi, OperatorRelyingParty>;

/** One area's pages (payments, queues, complaints, risk, metrics, audit): adds its routes to the router. */
export type RouteGroup = (router: Router, deps: OperatorConsoleDeps) => void;
