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
import { DemandsApi } from './api/demands-api.js';
import type { ProviderPortalDeps } from './deps.js';
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
export interface ProviderPortalServices {
  redis: Redis;
  log: Logger;
}

/**
 * Mounts the provider portal on a service app: server-rendered pages (a backend-for-frontend)
 * that sign a provider's members in at the idp and call the hub's provider API with their access
 * token. It reuses the hub portal's generic parts: relying party, Redis sessions, CSRF tokens,
 * token refresh and back-channel logout verification.
 */
export function mountProviderPortal(app: Koa, options: ProviderPortalOptions, { redis, log }: ProviderPortalServices) {
  const secure = options.baseUrl.startsWith('https:');
  const pages = new Pages(new URL(options.oidc.issuer).origin, options.citizenPortalUrl);
  const rp = new MemberRelyingParty(options, log);
  if (!rp.configured) log.warn('PARTNER_OIDC_CLIENT_SECRET is not set: the provider portal cannot sign anyone in');
  const store = new SessionStore(redis, options.session);
  const deps: ProviderPortalDeps = {
    options,
    pages,
    api: new DemandsApi(options.apiUrl, options.timeoutMs, new TokenKeeper(rp, store, redis)),
    rp,
    logoutTokens: new LogoutTokenVerifier(rp, redis, options.timeoutMs),
    sessions: store,
    log,
  };
  const router = new Router();
  // For every page, in this order: session, error pages, form body, CSRF (the upload checks its own).
  router.use(
    sessions(store, { secure }),
    errorPages(pages, log),
    bodyParser({ enableTypes: ['form'], formLimit: '64kb', encoding: 'utf-8' }),
    csrfProtection([BACKCHANNEL_LOGOUT_PATH, UPLOAD_PATH]),
  );
  // Fixed paths before /demands/:reference.
  for (const group of [authRoutes, dashboardRoutes, raiseRoutes, uploadRoutes, demandRoutes]) group(router, deps);
  app.use(securityHeaders());
  app.use(designAssets());
  app.use(portalAssets());
  app.use(router.routes());
  app.use(router.allowedMethods());
}
