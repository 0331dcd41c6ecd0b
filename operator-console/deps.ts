import type Router from '@koa/router';
import type { LogoutTokenVerifier } from '../hub/portal/oidc/logout-token.js';
import type { SessionStore } from '../hub/portal/session/session-store.js';
import type { Logger } from '../infra/logger.js';
import type { OperatorApi } from './api/operator-api.js';
import type { Pages } from './http/pages.js';
import type { OperatorRelyingParty } from './oidc/operator-relying-party.js';
import type { OperatorConsoleOptions } from './options.js';

/** What the console's route groups share. */
export interface OperatorConsoleDeps {
  options: OperatorConsoleOptions;
  pages: Pages;
  /** The hub's operator API (/api/v1/operator/*) as the signed-in operator. */
  api: OperatorApi;
  rp: OperatorRelyingParty;
  logoutTokens: LogoutTokenVerifier;
  sessions: SessionStore;
  log: Logger;
}

/** One area's pages (payments, queues, complaints, risk, metrics, audit): adds its routes to the router. */
export type RouteGroup = (router: Router, deps: OperatorConsoleDeps) => void;
