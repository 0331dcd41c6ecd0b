import type { BillerSandbox } from '../sandboxes/shared/biller-sandbox.js';
import type { ConsumerRef } from '../sdk/contract.js';
import { createPipedGasSandbox, defaultSandboxCredentials, PIPED_GAS_SANDBOX_PORT } from './sandbox/app.js';
import { FIXTURES } from './sandbox/data.js';

/** The gas company's sandbox (OAuth2 client credentials) as the start script and harnesses see it. */
export const sandbox: BillerSandbox = {
  name: 'gas',
  defaultPort: PIPED_GAS_SANDBOX_PORT,
  portEnv: 'GAS_SANDBOX_PORT',
  create: (options = {}) => createPipedGasSandbox(options),
  adapterOptions: {
    clientId: defaultSandboxCredentials.clientId,
    clientSecret: defaultSandboxCredentials.clientSecret,
  },
  fixtures: FIXTURES,
  consumerKey: (consumer: ConsumerRef) => consumer.bpNumber ?? '',
};
