import type { BillerSandbox } from '../sandboxes/shared/biller-sandbox.js';
import {
  createElectricityDiscomSandbox,
  defaultSandboxCredentials,
  ELECTRICITY_DISCOM_SANDBOX_PORT,
  sandboxConsumerKey,
} from './sandbox/app.js';
import { FIXTURES } from './sandbox/data.js';

/** The state discom's sandbox (JSON REST with an API key) as the start script and harnesses see it. */
export const sandbox: BillerSandbox = {
  name: 'electricity',
  defaultPort: ELECTRICITY_DISCOM_SANDBOX_PORT,
  portEnv: 'ELECTRICITY_SANDBOX_PORT',
  create: (options = {}) => createElectricityDiscomSandbox(options),
  adapterOptions: { apiKey: defaultSandboxCredentials.apiKey },
  fixtures: FIXTURES,
  consumerKey: sandboxConsumerKey,
};
