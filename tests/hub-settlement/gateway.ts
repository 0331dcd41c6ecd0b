import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PaymentGateway } from '../../hub/gateway/port.js';
import { createSandboxGatewayClient } from '../../hub/gateway/sandbox-gateway-client.js';
import { createSandboxGateway } from '../../hub/gateway/sandbox-server/app.js';

export const GATEWAY_API_KEY = 'settlement-test-gateway-key';
export const GATEWAY_WEBHOOK_SECRET = 'settlement-test-webhook-secret';

export interface Gateway {
  url: string;
  client: PaymentGateway & { close(): void };
  /** An order for a payment (INR, `amountMinor` paise) that no one has paid yet; answers its id. */
  openOrder(paymentId: string, amountMinor: number): Promise<string>;
  /**
   * Pays (or fails) an order at the sandbox as its hosted page would: by card when a card number
   * is given, else by UPI. Throws when the sandbox refuses.
   */
  simulate(orderId: string, outcome: 'success' | 'failure', card?: string): Promise<void>;
  /** A captured order for a payment, as a citizen paying at the hosted checkout leaves it. */
  capturedOrder(paymentId: string, amountMinor: number): Promise<string>;
  close(): Promise<void>;
}

/** The sandbox gateway on 127.0.0.1 (webhooks only recorded) and the hub's client for it. */
export async function startGateway(): Promise<Gateway> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gateway = createSandboxGateway({
    apiKey: GATEWAY_API_KEY,
    webhookSecret: GATEWAY_WEBHOOK_SECRET,
    publicUrl: url,
  });
  server.on('request', gateway.callback());
  const client = createSandboxGatewayClient({
    baseUrl: url,
    apiKey: GATEWAY_API_KEY,
    webhookSecret: GATEWAY_WEBHOOK_SECRET,
  });

  const openOrder = async (paymentId: string, amountMinor: number) => {
    const { orderId } = await client.createOrder({
      paymentId,
      amountMinor,
      currency: 'INR',
      returnUrl: 'http://hub.test/checkout/return',
      description: 'utility bills',
    });
    return orderId;
  };
  const simulate = async (orderId: string, outcome: 'success' | 'failure', card?: string) => {
    const res = await fetch(`${url}/v1/orders/${orderId}/simulate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${GATEWAY_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ outcome, method: card ? 'card' : 'upi', ...(card ? { card } : {}) }),
    });
    if (!res.ok) throw new Error(`simulate answered ${res.status}`);
  };

  return {
    url,
    client,
    openOrder,
    simulate,
    capturedOrder: async (paymentId, amountMinor) => {
      const orderId = await openOrder(paymentId, amountMinor);
      await simulate(orderId, 'success');
      return orderId;
    },
    close: async () => {
      client.close();
      gateway.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
