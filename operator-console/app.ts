import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type Koa from 'koa';
import { LogoutTokenVerifier } from '../hub/portal/oidc/logout-token.js';
import { BACKCHANNEL_LOGOUT_PATH } from '../hub/portal/oidc/relying-party.js';
import { csrfProtection } from '../hub/portal/session/csrf.js';
import { sessions } from '../hub/portal/session/session-cookie.js';
import { SessionStore } from '../hub/portal/session/session-store.js';
import { TokenKeeper } from '../hub/portal/session/token-keeper.js';
import { securityHeaders } from '../infra/http/security-headers.js';
import type { Logger } from '../infra/logger.js';
import type { Redis } from '../infra/redis.js';
import { designAssets } from '../infra/web/design-assets.js';
import { OperatorApi } from './api/operator-api.js';
import type { OperatorConsoleDeps } from './deps.js';
import { consoleAssets } from './http/console-assets.js';
import { errorPages } from './http/error-pages.js';
import { Pages } from './http/pages.js';
import { OperatorRelyingParty } from './oidc/operator-relying-party.js';
import type { OperatorConsoleOptions } from './options.js';
import { ROUTE_GROUPS } from './routes/index.js';

/** The console's connections: Redis for sessions (a key space of its own), and the logger. */
export interface OperatorConsoleServices {
  redis: Redis;
  log: Logger;
}

/**
 * Mounts the operator console on a service app: server-rendered pages (a backend-for-frontend)
 * that sign operators in at the idp (with the authenticator app) and call the hub's operator API
 * with their access token. It reuses the hub portal's generic parts as the provider portal does:
 * relying party, Redis sessions, CSRF tokens, token refresh and back-channel logout verification.
 */
export function mountOperatorConsole(
  app: Koa,
  options: OperatorConsoleOptions,
  { redis, log }: OperatorConsoleServices,
): void {
  const secure = options.baseUrl.startsWith('https:');
  const pages = new Pages(new URL(options.oidc.issuer).origin, options.accountUrl);
  const rp = new OperatorRelyingParty(options, log);
  if (!rp.configured) log.warn('OPERATOR_OIDC_CLIENT_SECRET is not set: the operator console cannot sign anyone in');
  const store = new SessionStore(redis, options.session);
  const deps: OperatorConsoleDeps = {
    options,
    pages,
    api: new OperatorApi(options.apiUrl, options.timeoutMs, new TokenKeeper(rp, store, redis)),
    rp,
    logoutTokens: new LogoutTokenVerifier(rp, redis, options.timeoutMs),
    sessions: store,
    log,
  };
  const router = new Router();
  // For every page, in this order: session, error pages, form body, CSRF.
  router.use(
    sessions(store, { secure }),
    errorPages(pages, log),
    bodyParser({ enableTypes: ['form'], formLimit: '64kb', encoding: 'utf-8' }),
    csrfProtection([BACKCHANNEL_LOGOUT_PATH]),
  );
  for (const group of ROUTE_GROUPS) group(router, deps);
  app.use(securityHeaders());
  app.use(designAssets());
  app.use(consoleAssets());
  app.use(router.routes());
  app.use(router.allowedMethods());
}
