/**
 * Runs the sandbox wallet on its own (`tsx adapters/sandboxes/wallet/main.ts`, and inside
 * `npm start`): port WALLET_SANDBOX_PORT (4120), API key WALLET_API_KEY, transfers seeded without a
 * payee go to WALLET_PAYEE.
 */
import { once } from 'node:events';
import { loadConfig } from '../../../infra/config.js';
import { createWalletSandbox } from './app.js';
import { sandboxWalletEnvSchema } from './options.js';

const config = loadConfig(sandboxWalletEnvSchema);
const port = config.WALLET_SANDBOX_PORT;
const app = createWalletSandbox({ apiKey: config.WALLET_API_KEY, defaultPayee: config.WALLET_PAYEE });
const server = app.listen(port, config.SANDBOX_HOST);
await once(server, 'listening');
console.log(JSON.stringify({ msg: 'sandbox wallet listening', url: `http://localhost:${port}` }));

const stop = () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
