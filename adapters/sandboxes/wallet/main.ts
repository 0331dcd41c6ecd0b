/**
 * Runs the sandbox wallet on its own (`tsx adapters/sandboxes/wallet/main.ts`, and inside
 * `npm start`): port WALLET_SANDBOX_PORT (4120), API key WALLET_API_KEY, transfers seeded without a
 * payee go to WALLET_PAYEE.
 */
import { once } from 'node:events';
import { createWalletSandbox, defaultSandboxWalletCredentials, SANDBOX_WALLET_PORT } from './app.js';

const port = Number(process.env.WALLET_SANDBOX_PORT ?? SANDBOX_WALLET_PORT);
// Loopback unless told otherwise (compose sets 0.0.0.0 inside its containers).
const host = process.env.SANDBOX_HOST || '127.0.0.1';
const app = createWalletSandbox({
  apiKey: process.env.WALLET_API_KEY || defaultSandboxWalletCredentials.apiKey,
  defaultPayee: process.env.WALLET_PAYEE || defaultSandboxWalletCredentials.merchant,
});
const server = app.listen(port, host);
await once(server, 'listening');
console.log(JSON.stringify({ msg: 'sandbox wallet listening', url: `http://localhost:${port}` }));

const stop = () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
