import { type StartOptions, startStaffPortal } from '../hub/portal/staff/server.js';
import { mountProviderPortal } from './app.js';
import type { ProviderPortalOptions } from './options.js';

export type { StartOptions };

/** Redis keys of the portal's sessions start with this, apart from the citizen portal's. */
export const PROVIDER_PORTAL_KEY_PREFIX = 'provider-portal:';

/** Starts the provider portal: the service app (health, readiness on Redis, metrics) with the pages, listening. */
export function startProviderPortal(options: ProviderPortalOptions, start: StartOptions) {
  return startStaffPortal(
    {
      name: 'provider-portal',
      label: 'provider portal',
      keyPrefix: PROVIDER_PORTAL_KEY_PREFIX,
      mount: (app, services) => mountProviderPortal(app, options, services),
    },
    start,
  );
}
