import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type Koa from 'koa';
import type { Middleware } from 'koa';
import { securityHeaders } from '../../../infra/http/security-headers.js';
import type { Logger } from '../../../infra/logger.js';
import type { Redis } from '../../../infra/redis.js';
import { designAssets } from '../../../infra/web/design-assets.js';
import { LogoutTokenVerifier } from '../oidc/logout-token.js';
import { BACKCHANNEL_LOGOUT_PATH, type RelyingParty } from '../oidc/relying-party.js';
import { csrfProtection } from '../session/csrf.js';
import { sessions } from '../session/session-cookie.js';
import { SessionStore } from '../session/session-store.js';
import { TokenKeeper } from '../session/token-keeper.js';
import type { StaffPortalOptions } from './options.js';
import type { StaffPages } from './pages.js';

/** What a staff portal's route groups share. */
export interface StaffPortalDeps<
  O extends StaffPortalOptions = StaffPortalOptions,
  P extends StaffPages = StaffPages,
  A = unknown,
  R extends RelyingParty = RelyingParty,
> {
  options: O;
  pages: P;
  /** The portal's client of the hub API, as the signed-in person. */
  api: A;
  rp: R;
  logoutTokens: LogoutTokenVerifier;
  sessions: SessionStore;
  log: Logger;
}

/** A staff portal's connections: Redis for sessions (a key space of its own), and the logger. */
export interface StaffPortalServices {
  redis: Redis;
  log: Logger;
}

/** What differs between the staff portals' apps. */
export interface StaffPortal<O extends StaffPortalOptions, P extends StaffPages, A, R extends RelyingParty> {
  options: O;
  pages: P;
  rp: R;
  /** Logged when the relying party has no client secret: no one can sign in. */
  notConfiguredWarning: string;
  /** The portal's hub API client, calling with the signed-in person's tokens. */
  api(tokens: TokenKeeper): A;
  errorPages(pages: P, log: Logger): Middleware;
  /** Paths that check their own CSRF defence (besides back-channel logout, which has none). */
  csrfExempt?: string[];
  /** The route groups, in order (fixed paths before parameterised ones). */
  routeGroups: ReadonlyArray<(router: Router, deps: StaffPortalDeps<O, P, A, R>) => void>;
  /** Serves the portal's own stylesheet (assets.ts). */
  stylesheet: Middleware;
}

/**
 * Mounts a staff portal on a service app: server-rendered pages (a backend-for-frontend) that
 * sign staff in at the idp and call the hub API with their access token. It reuses the hub
 * portal's generic parts: relying party, Redis sessions, CSRF tokens, token refresh and
 * back-channel logout verification.
 */
export function mountStaffPortal<O extends StaffPortalOptions, P extends StaffPages, A, R extends RelyingParty>(
  app: Koa,
  portal: StaffPortal<O, P, A, R>,
  { redis, log }: StaffPortalServices,
): void {
  const { options, pages, rp } = portal;
  const secure = options.baseUrl.startsWith('https:');
  if (!rp.configured) log.warn(portal.notConfiguredWarning);
  const store = new SessionStore(redis, options.session);
  const deps: StaffPortalDeps<O, P, A, R> = {
    options,
    pages,
    api: portal.api(new TokenKeeper(rp, store, redis)),
    rp,
    logoutTokens: new LogoutTokenVerifier(rp, redis, options.timeoutMs),
    sessions: store,
    log,
  };
  const router = new Router();
  // For every page, in this order: session, error pages, form body, CSRF.
  router.use(
    sessions(store, { secure }),
    portal.errorPages(pages, log),
    bodyParser({ enableTypes: ['form'], formLimit: '64kb', encoding: 'utf-8' }),
    csrfProtection([BACKCHANNEL_LOGOUT_PATH, ...(portal.csrfExempt ?? [])]),
  );
  for (const group of portal.routeGroups) group(router, deps);
  app.use(securityHeaders());
  app.use(designAssets());
  app.use(portal.stylesheet);
  app.use(router.routes());
  app.use(router.allowedMethods());
}
