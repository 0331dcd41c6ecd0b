import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { declarationAdapter } from '../../../adapters/declarative/index.js';
import type { BillerOperations } from '../../../adapters/sdk/index.js';

/** One request the stub received: method, path with query, headers and raw body. */
export interface StubRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface StubAnswer {
  status?: number;
  body?: unknown;
}

/** A tiny HTTP biller for unit tests: answers each request with `answer(request)`, records them all. */
export async function stubBiller(answer: (request: StubRequest) => StubAnswer | Promise<StubAnswer>) {
  const requests: StubRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    };
    requests.push(request);
    const out = await answer(request);
    res.writeHead(out.status ?? 200, { 'content-type': 'application/json' });
    res.end(out.body === undefined ? '' : JSON.stringify(out.body));
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((done) => server.once('listening', done));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

/**
 * A small valid declaration (JSON biller, API key, decimal amounts) to vary in tests: deep
 * overrides by top-level key.
 */
export function baseDeclaration(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    descriptor: {
      id: 'test-biller',
      name: 'Test Biller',
      category: 'other',
      consumerParams: [{ name: 'accountNo', label: 'Account number', pattern: '\\d{6}', example: '123456' }],
      fetchRequirement: 'MANDATORY',
      exactness: 'EXACT',
      currency: 'INR',
    },
    options: {
      baseUrl: { type: 'url' },
      apiKey: { type: 'string', secret: true, minLength: 8 },
    },
    auth: { kind: 'apiKey', header: 'X-Key', option: 'apiKey' },
    errors: [
      { status: 404, when: 'code = "NO_ACCOUNT"', outcome: 'consumer_not_found', code: 'code' },
      { status: 422, when: '$exists(code)', outcome: 'rejected', code: 'code', message: 'text' },
    ],
    fetch: {
      request: { method: 'GET', path: '/accounts/{consumer.accountNo}/bill' },
      bill: {
        amountUnit: 'decimal',
        billNumber: 'billNo',
        customerName: 'name',
        billDate: 'billDate',
        dueDate: 'dueDate',
        amountDue: 'total',
        breakup: { lines: 'lines' },
      },
    },
    post: {
      request: {
        method: 'POST',
        path: '/payments',
        idempotent: true,
        body: {
          encoding: 'json',
          fields: {
            accountNo: 'consumer.accountNo',
            amount: '$decimal(posting.amountMinor)',
            ref: 'posting.reference',
          },
        },
      },
      result: { status: 'state', billerReference: 'receipt', reference: 'ref' },
    },
    status: {
      request: { method: 'GET', path: '/payments/{reference}' },
      errors: [{ status: 404, outcome: 'not_found' }],
      result: { status: 'state', billerReference: 'receipt' },
    },
    statuses: { accepted: ['DONE'], rejected: ['FAILED'] },
    ...overrides,
  };
}

/** The operations of an inline declaration against a base URL, with short timeouts and one retry. */
export function declaredOperations(
  declaration: Record<string, unknown>,
  options: Record<string, unknown>,
): BillerOperations {
  const definition = declarationAdapter('inline.biller.yaml', declaration);
  return definition.create(definition.options.parse({ timeoutMs: 2_000, retries: 1, ...options }), {});
}

/** A bill answer for baseDeclaration's mapping. */
export const billBody = (overrides: Record<string, unknown> = {}) => ({
  billNo: 'B-1',
  name: 'Asha Verma',
  billDate: '2026-11-01',
  dueDate: '2026-11-30',
  total: '150.50',
  lines: [
    { label: 'Charge', amount: '100.00' },
    { label: 'Tax', amount: '50.50' },
  ],
  ...overrides,
});

/**
 * For one test file: `biller(answer, overrides?, options?)` starts a stub biller and the base
 * declaration (with overrides) pointed at it; both are closed after each test.
 */
export function useStubBillers() {
  let closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.map((close) => close()));
    closers = [];
  });
  return async (
    answer: (request: StubRequest) => StubAnswer,
    overrides: Record<string, unknown> = {},
    options: Record<string, unknown> = { apiKey: 'key-0123456789' },
  ) => {
    const stub = await stubBiller(answer);
    const adapter = declaredOperations(baseDeclaration(overrides), { baseUrl: stub.baseUrl, ...options });
    closers.push(stub.close, async () => adapter.close?.());
    return { stub, adapter };
  };
}
