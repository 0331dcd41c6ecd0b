import { startOptionsOf } from '../hub/portal/staff/server.js';
import { runService } from '../infra/service-runtime.js';
import { loadProviderPortalConfig } from './config.js';
import { providerPortalOptionsOf } from './options.js';
import { startProviderPortal } from './server.js';

await runService('provider-portal', async () => {
  const config = loadProviderPortalConfig();
  return startProviderPortal(
    providerPortalOptionsOf(config),
    startOptionsOf('provider-portal', config.PROVIDER_PORTAL_PORT, config),
  );
});
