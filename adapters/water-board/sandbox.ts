import type { BillerSandbox } from '../sandboxes/shared/biller-sandbox.js';
import {
  createWaterBoardSandbox,
  defaultSandboxCredentials,
  sandboxConsumerKey,
  WATER_BOARD_SANDBOX_PORT,
} from './sandbox/app.js';
import { FIXTURES } from './sandbox/data.js';

/** The water board's sandbox (HMAC-signed form posts) as the start script and harnesses see it. */
export const sandbox: BillerSandbox = {
  name: 'water',
  defaultPort: WATER_BOARD_SANDBOX_PORT,
  portEnv: 'WATER_SANDBOX_PORT',
  create: (options = {}) => createWaterBoardSandbox(options),
  adapterOptions: {
    agencyCode: defaultSandboxCredentials.agencyCode,
    hmacSecret: defaultSandboxCredentials.hmacSecret,
  },
  fixtures: FIXTURES,
  consumerKey: sandboxConsumerKey,
};
