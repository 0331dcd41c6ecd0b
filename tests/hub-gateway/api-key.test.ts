import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayRejectedError, GatewayUnavailableError } from '../../hub/gateway/port.js';
import { createSandboxGatewayClient } from '../../hub/gateway/sandbox-gateway-client.js';
import { type GatewayHarness, orderInput, startGateway, WEBHOOK_SECRET } from './harness.js';

let h: GatewayHarness;
beforeAll(async () => {
  h = await startGateway();
});
afterAll(() => h.close());

describe('API key and availability', () => {
  it('the API answers 401 in its error shape without the key or with a wrong one', async () => {
    const body = { merchantRef: 'r1', amount: 100, currency: 'INR', returnUrl: 'http://x.test/', description: '' };
    const missing = await h.api('POST', '/v1/orders', body, { authorization: '' });
    const wrong = await h.api('GET', '/v1/orders/order_x', undefined, { authorization: 'Bearer not-the-key' });

    for (const response of [missing, wrong]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('a client with a wrong key gets GatewayRejectedError that does not carry the key', async () => {
    const apiKey = 'wrong-key-do-not-log';
    const client = createSandboxGatewayClient({ baseUrl: h.baseUrl, apiKey, webhookSecret: WEBHOOK_SECRET });
    try {
      const error = await client.createOrder(orderInput()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GatewayRejectedError);
      expect(error).toMatchObject({ retryable: false, gatewayCode: 'unauthorized' });
      expect(JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack })).not.toContain(
        apiKey,
      );
    } finally {
      client.close();
    }
  });

  it('an unreachable gateway is GatewayUnavailableError, retryable', async () => {
    // A port that was just free: nothing listens there.
    const probe = http.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const client = createSandboxGatewayClient({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: 'k',
      webhookSecret: WEBHOOK_SECRET,
      timeoutMs: 500,
      retries: 0,
    });
    try {
      const error = await client.getOrder('order_x').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GatewayUnavailableError);
      expect(error).toMatchObject({ retryable: true, status: 503 });
    } finally {
      client.close();
    }
  });

  it('refuses bad client options with a message naming the option', () => {
    expect(() => createSandboxGatewayClient({ baseUrl: 'ftp://x', apiKey: '', webhookSecret: 's' })).toThrow(
      /baseUrl.*apiKey|apiKey.*baseUrl/,
    );
  });

  it('answers its health check', async () => {
    const response = await fetch(`${h.baseUrl}/__sandbox/health`);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
