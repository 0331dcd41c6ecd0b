import type { BillerSandbox } from '../sandboxes/shared/biller-sandbox.js';
import { createTemplateBillerSandbox, defaultSandboxCredentials } from './sandbox/app.js';
import { FIXTURES } from './sandbox/data.js';

/** The biller's sandbox as the start script, the harnesses and compose see it (adapters/README.md). */
export const sandbox: BillerSandbox = {
  name: 'template-biller',
  defaultPort: 4109,
  portEnv: 'TEMPLATE_BILLER_SANDBOX_PORT',
  create: (options = {}) =>
    createTemplateBillerSandbox({ ...(options.consumers ? { consumers: options.consumers } : {}) }),
  // By option name: npm start hands these to the registry entry's {"$env"} options.
  adapterOptions: { apiKey: defaultSandboxCredentials.apiKey },
  fixtures: FIXTURES,
  consumerKey: (consumer) => consumer.accountNo ?? '',
};
