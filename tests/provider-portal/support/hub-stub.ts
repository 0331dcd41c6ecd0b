import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { hallRentLineWithTotal, LATE_FEE_2_PERCENT } from '../../hub-demands/fixtures.js';

/** A request the stub received: method, path with query, the token's provider and sub, the body. */
export interface StubCall {
  method: string;
  path: string;
  providerId?: string;
  sub?: string;
  contentType?: string;
  /** The Idempotency-Key header, when sent. */
  key?: string;
  body: string;
}

/** An answer of the stub: status, JSON or text body, extra headers. */
export interface StubAnswer {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

/**
 * A stand-in for the hub's provider API (hub/api/routes/demand-routes.ts): records each call with
 * the provider and person its Bearer token names, and answers with `answer(call)`.
 */
export async function startHubStub(answer: (call: StubCall) => StubAnswer) {
  const calls: StubCall[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const claims = token ? decodeJwt(token) : {};
    const call: StubCall = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').replace(/^\/api\/v1/, ''),
      ...(typeof claims.provider_id === 'string' ? { providerId: claims.provider_id } : {}),
      ...(typeof claims.sub === 'string' ? { sub: claims.sub } : {}),
      ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
      ...(typeof req.headers['idempotency-key'] === 'string' ? { key: req.headers['idempotency-key'] } : {}),
      body: Buffer.concat(chunks).toString('utf8'),
    };
    calls.push(call);
    const reply = token ? answer(call) : { status: 401, json: { code: 'invalid_token', detail: 'no token' } };
    const type =
      reply.json !== undefined ? (reply.status >= 400 ? 'application/problem+json' : 'application/json') : 'text/csv';
    res
      .writeHead(reply.status, { 'content-type': type, ...reply.headers })
      .end(reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? ''));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A demand as the hub answers it: three instalments, the first paid with a late fee. */
export function demandJson(reference: string, overrides: Record<string, unknown> = {}) {
  return {
    reference,
    status: 'partly_paid',
    title: 'Community hall booking',
    payer: { phone: '+919876543210', email: 'asha@example.org' },
    currency: 'INR',
    lines: [hallRentLineWithTotal()],
    totalMinor: 3_540_000,
    dueDate: '2027-03-10',
    instalments: [
      {
        number: 1,
        dueDate: '2027-01-10',
        amountMinor: 1_180_000,
        status: 'paid',
        paidMinor: 1_203_600,
        lateFeeMinor: 23_600,
        paidOn: '2027-01-12',
      },
      { number: 2, dueDate: '2027-02-10', amountMinor: 1_180_000, status: 'open', paidMinor: 0 },
      { number: 3, dueDate: '2027-03-10', amountMinor: 1_180_000, status: 'open', paidMinor: 0 },
    ],
    lateFee: LATE_FEE_2_PERCENT(),
    paidMinor: 1_203_600,
    outstandingMinor: 2_360_000,
    payableToday: { day: '2027-01-20', nextMinor: 1_180_000, allMinor: 2_360_000 },
    version: 1,
    audit: [{ at: '2026-12-01T05:00:00.000Z', actor: 'member-sub-1', action: 'created', changes: [] }],
    createdAt: '2026-12-01T05:00:00.000Z',
    updatedAt: '2026-12-01T05:00:00.000Z',
    ...overrides,
  };
}
