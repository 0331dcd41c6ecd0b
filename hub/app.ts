import type { BillerRegistry } from '../adapters/registry/index.js';
import type { ServiceDeps, ServiceParts } from '../infra/service-runtime.js';
import { accessTokens } from './api/access-token.js';
import { accountRoutes } from './api/routes/account-routes.js';
import { billerRoutes } from './api/routes/biller-routes.js';
import { v1Router } from './api/v1-router.js';
import { BillService } from './bills/bill-service.js';
import type { HubConfig } from './config.js';
import { SavedAccountStore } from './saved-accounts/saved-account-store.js';

/** The hub's citizen API on its MongoDB and Redis, with the billers already loaded. */
export async function buildHub(
  config: HubConfig,
  billers: BillerRegistry,
  { mongo, redis }: ServiceDeps,
  publicUrl = `http://localhost:${config.HUB_PORT}`,
): Promise<ServiceParts> {
  const bills = new BillService(billers, redis, {
    cacheSeconds: config.BILL_CACHE_SECONDS,
    timeoutMs: config.BILLER_TIMEOUT_MS,
  });
  const accounts = new SavedAccountStore(mongo, bills);
  await accounts.init();
  const tokens = accessTokens({
    issuer: config.IDP_ISSUER,
    audience: config.HUB_API_RESOURCE,
    jwksUrl: config.IDP_JWKS_URL,
  });
  const routes = [...billerRoutes(billers, bills), ...accountRoutes(accounts, bills)];
  const api = v1Router(routes, tokens, publicUrl);
  return {
    routes: (app) => {
      app.use(api.routes());
      app.use(api.allowedMethods());
    },
    close: () => billers.close(),
  };
}
