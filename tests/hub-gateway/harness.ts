import { randomUUID } from 'node:crypto';
import type { PaymentGateway } from '../../hub/gateway/port.js';
import { createSandboxGatewayClient } from '../../hub/gateway/sandbox-gateway-client.js';
import type { SandboxGateway, SandboxGatewayOptions } from '../../hub/gateway/sandbox-server/app.js';
import { startSandboxGatewayServer } from '../support/sandbox-gateway-server.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

export const API_KEY = 'test-gateway-api-key-7f3a';
export const WEBHOOK_SECRET = 'test-webhook-secret-91c2';
export const RETURN_URL = 'http://hub.test/payments/return';
export const PENDING_DELAY_MS = 150;

export interface GatewayHarness {
  baseUrl: string;
  gateway: SandboxGateway;
  client: PaymentGateway & { close(): void };
  receiver: WebhookReceiver;
  /** A raw call to the sandbox's HTTP API, with the API key unless headers say otherwise. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/**
 * A sandbox gateway on 127.0.0.1, a webhook receiver, and the client over them. The server
 * listens before the app exists, because the app needs its public URL.
 */
export async function startGateway(
  overrides: Partial<Omit<SandboxGatewayOptions, 'publicUrl'>> = {},
): Promise<GatewayHarness> {
  const receiver = await startWebhookReceiver();
  const server = await startSandboxGatewayServer({
    apiKey: API_KEY,
    webhookSecret: WEBHOOK_SECRET,
    webhookUrl: receiver.url,
    pendingDelayMs: PENDING_DELAY_MS,
    webhookTimeoutMs: 1_000,
    webhookBackoffMs: 20,
    ...overrides,
  });
  const { gateway, url: baseUrl } = server;
  const client = createSandboxGatewayClient({
    baseUrl,
    apiKey: API_KEY,
    webhookSecret: WEBHOOK_SECRET,
    timeoutMs: 2_000,
  });

  return {
    baseUrl,
    gateway,
    client,
    receiver,
    api: (method, path, body, headers = {}) =>
      fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${API_KEY}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
      }),
    async close() {
      client.close();
      await server.close();
      await receiver.close();
    },
  };
}

export const orderInput = (amountMinor = 123_450) => ({
  paymentId: `pay_${randomUUID()}`,
  amountMinor,
  currency: 'INR',
  returnUrl: RETURN_URL,
  description: 'Electricity bill 0123456789',
});
