import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  rawBody: Buffer;
  headers: http.IncomingHttpHeaders;
  /** What the receiver answered. */
  status: number;
  event: { id: string; type: string; data: { order: { id: string } } };
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Statuses for the next requests, in order; 200 after they run out. */
  answerNext(...statuses: number[]): void;
  /** Holds every answer this long (to prove the sender does not wait). */
  delayAnswers(ms: number): void;
  forOrder(orderId: string): ReceivedWebhook[];
  waitFor<T>(check: (received: ReceivedWebhook[]) => T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** A tiny node:http webhook endpoint that keeps the raw bytes and headers of every delivery. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const planned: number[] = [];
  let delayMs = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const status = planned.shift() ?? 200;
      received.push({ rawBody, headers: req.headers, status, event: JSON.parse(rawBody.toString('utf8')) });
      setTimeout(() => res.writeHead(status).end(), delayMs);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/gateway`,
    received,
    answerNext: (...statuses) => {
      planned.push(...statuses);
    },
    delayAnswers: (ms) => {
      delayMs = ms;
    },
    forOrder: (orderId) => received.filter((hook) => hook.event.data.order.id === orderId),
    async waitFor(check, timeoutMs = 3_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const result = check(received);
        if (result) return result;
        if (Date.now() > until) throw new Error(`webhooks not received in ${timeoutMs} ms (${received.length} so far)`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
