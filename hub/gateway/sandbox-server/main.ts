/**
 * Runs the sandbox gateway on its own (`tsx hub/gateway/sandbox-server/main.ts`): port
 * GATEWAY_SANDBOX_PORT (4110), webhooks to GATEWAY_WEBHOOK_URL when set, refund Idempotency-Keys
 * forgotten after GATEWAY_REFUND_KEY_TTL_MS (24 h).
 */
import { once } from 'node:events';
import { loadConfig } from '../../../infra/config.js';
import { createSandboxGateway } from './app.js';
import { sandboxGatewayEnvSchema } from './options.js';

const config = loadConfig(sandboxGatewayEnvSchema);
const port = config.GATEWAY_SANDBOX_PORT;
const app = createSandboxGateway({
  apiKey: config.GATEWAY_API_KEY,
  webhookSecret: config.GATEWAY_WEBHOOK_SECRET,
  webhookUrl: config.GATEWAY_WEBHOOK_URL,
  publicUrl: config.GATEWAY_PUBLIC_URL ?? `http://localhost:${port}`,
  refundKeyTtlMs: config.GATEWAY_REFUND_KEY_TTL_MS,
});
const server = app.listen(port, config.SANDBOX_HOST);
await once(server, 'listening');
console.log(JSON.stringify({ msg: 'sandbox gateway listening', url: `http://localhost:${port}` }));

const stop = () => {
  app.stop();
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
