import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Logger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import type { Redis } from '../../infra/redis.js';
import { createTranslator } from '../../infra/web/i18n.js';
import { SettingsStore } from '../citizen-settings/settings-store.js';
import { BillerDirectory } from './api/biller-directory.js';
import { HubApi } from './api/hub-api.js';
import type { PortalDeps } from './deps.js';
import { errorPages } from './http/error-pages.js';
import { pageLanguage } from './http/locale.js';
import { PageRenderer } from './http/render.js';
import { LogoutTokenVerifier } from './oidc/logout-token.js';
import { BACKCHANNEL_LOGOUT_PATH, RelyingParty } from './oidc/relying-party.js';
import type { PortalOptions } from './options.js';
import { accountRoutes } from './routes/account-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { autopayRoutes } from './routes/autopay-routes.js';
import { complaintRoutes } from './routes/complaint-routes.js';
import { dashboardRoutes } from './routes/dashboard-routes.js';
import { demandRoutes } from './routes/demand-routes.js';
import { historyRoutes } from './routes/history-routes.js';
import { lookupRoutes } from './routes/lookup-routes.js';
import { paymentRoutes } from './routes/payment-routes.js';
import { settingsRoutes } from './routes/settings-routes.js';
import { verifyRoutes } from './routes/verify-routes.js';
import { csrfProtection } from './session/csrf.js';
import { sessions } from './session/session-cookie.js';
import { SessionStore } from './session/session-store.js';
import { TokenKeeper } from './session/token-keeper.js';

export { type PortalOptions, portalOptionsOf } from './options.js';

/** The message catalogs (en, hi, bn). */
export const LOCALES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'locales');

/** The hub's connections the portal uses: Redis (sessions), MongoDB (settings), the logger. */
export interface PortalServices {
  redis: Redis;
  mongo: Connection;
  log: Logger;
}

/**
 * The citizen portal: server-rendered pages on the hub's own origin, outside /api/v1, that
 * call the hub API over HTTP with the signed-in citizen's access token (a backend-for-frontend).
 * Returns the middleware to mount; it answers only the portal's own routes (README.md lists them).
 */
export function createPortal(options: PortalOptions, { redis, mongo, log }: PortalServices): Middleware {
  const secure = options.baseUrl.startsWith('https:');
  const translator = createTranslator(LOCALES_DIR);
  const pages = new PageRenderer(options.formActionOrigins);
  const rp = new RelyingParty({ ...options.oidc, baseUrl: options.baseUrl, timeoutMs: options.timeoutMs }, log);
  if (!rp.configured) log.warn('HUB_OIDC_CLIENT_SECRET is not set: the portal cannot sign citizens in');
  const store = new SessionStore(redis, options.session);
  const api = new HubApi(options.apiUrl, options.timeoutMs, new TokenKeeper(rp, store, redis));
  const deps: PortalDeps = {
    options,
    pages,
    api,
    billers: new BillerDirectory(api),
    rp,
    logoutTokens: new LogoutTokenVerifier(rp, redis, options.timeoutMs),
    sessions: store,
    settings: new SettingsStore(mongo),
    translator,
    secure,
    log,
  };

  const router = new Router();
  // For every portal route, in this order: language, session, error pages, form body, CSRF.
  router.use(
    pageLanguage(translator),
    sessions(store, { secure }),
    errorPages(pages, log),
    bodyParser({ enableTypes: ['form'], formLimit: '32kb', encoding: 'utf-8' }),
    csrfProtection([BACKCHANNEL_LOGOUT_PATH]),
  );
  for (const group of [
    authRoutes,
    dashboardRoutes,
    demandRoutes,
    accountRoutes,
    lookupRoutes,
    paymentRoutes,
    historyRoutes,
    settingsRoutes,
    verifyRoutes,
    autopayRoutes,
    complaintRoutes,
  ]) {
    group(router, deps);
  }
  const routes = router.routes();
  const language = pageLanguage(translator);
  const session = sessions(store, { secure });
  // A browser's GET for a path nobody answered gets a page, not problem+json. Only a request that
  // asks for HTML by name: API clients (Accept: */* or JSON) keep the problem answer.
  const notFoundPage: Middleware = async (ctx, next) => {
    await next();
    const browserGet = (ctx.method === 'GET' || ctx.method === 'HEAD') && ctx.get('accept').includes('text/html');
    if (ctx.status !== 404 || ctx.body != null || !browserGet || /^\/(api|assets)\//.test(ctx.path)) return;
    await language(ctx, () =>
      session(ctx, () => pages.render(ctx, 'error', { titleKey: 'errors.not_found.title', kind: 'not_found' }, 404)),
    );
  };
  return async (ctx, next) => notFoundPage(ctx, () => routes(ctx as Parameters<typeof routes>[0], next));
}
