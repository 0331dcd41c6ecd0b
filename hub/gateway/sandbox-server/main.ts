/**
 * Runs the sandbox gateway on its own (`tsx hub/gateway/sandbox-server/main.ts`): port
 * GATEWAY_SANDBOX_PORT (4110), webhooks to GATEWAY_WEBHOOK_URL when set, refund Idempotency-Keys
 * forgotten after GATEWAY_REFUND_KEY_TTL_MS (24 h).
 */
import { once } from 'node:events';
import { createSandboxGateway, defaultSandboxGatewayCredentials, SANDBOX_GATEWAY_PORT } from './app.js';

const port = Number(process.env.GATEWAY_SANDBOX_PORT ?? SANDBOX_GATEWAY_PORT);
// Loopback unless told otherwise (compose sets 0.0.0.0 inside its containers).
const host = process.env.SANDBOX_HOST || '127.0.0.1';
const app = createSandboxGateway({
  apiKey: process.env.GATEWAY_API_KEY ?? defaultSandboxGatewayCredentials.apiKey,
  webhookSecret: process.env.GATEWAY_WEBHOOK_SECRET ?? defaultSandboxGatewayCredentials.webhookSecret,
  webhookUrl: process.env.GATEWAY_WEBHOOK_URL || undefined,
  publicUrl: process.env.GATEWAY_PUBLIC_URL ?? `http://localhost:${port}`,
  ...(process.env.GATEWAY_REFUND_KEY_TTL_MS ? { refundKeyTtlMs: Number(process.env.GATEWAY_REFUND_KEY_TTL_MS) } : {}),
});
const server = app.listen(port, host);
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
