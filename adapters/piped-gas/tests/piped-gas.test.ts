import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxProbe } from '../../sandboxes/shared/sandbox-probe.js';
import type { BillerOperations } from '../../sdk/contract.js';
import type { AdapterLogger } from '../../sdk/define-adapter.js';
import { BillerRejectedError, BillerUnavailableError, ConsumerNotFoundError } from '../../sdk/errors.js';
import { runAdapterContract } from '../../sdk/testkit/index.js';
import { createPipedGasClient } from '../client.js';
import pipedGas from '../index.js';
import {
  amountToMinor,
  collectionError,
  invoiceError,
  toBill,
  toCollectionRequest,
  tokenError,
  toPostingResult,
} from '../mapping.js';
import { createPipedGasSandbox, defaultSandboxCredentials, type PipedGasSandboxOptions } from '../sandbox/app.js';
import { FIXTURES } from '../sandbox/data.js';
import type { InvoiceResponse } from '../wire.js';

const timeoutMs = 300;
const retries = 1;
const servers: Server[] = [];
const closers: Array<() => unknown> = [];

async function startSandbox(options?: PipedGasSandboxOptions): Promise<string> {
  const server = createPipedGasSandbox(options).listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function adapterFor(baseUrl: string, overrides: Record<string, unknown> = {}, log?: AdapterLogger): BillerOperations {
  const options = pipedGas.options.parse({ baseUrl, ...defaultSandboxCredentials, timeoutMs, retries, ...overrides });
  const adapter = pipedGas.create(options, { log });
  closers.push(() => adapter.close?.());
  return adapter;
}

/** Every line the http client logs, to see which calls were made and that no secret is in them. */
function captureLog() {
  const lines: Array<{ call: string; status?: number; text: string }> = [];
  const keep = (obj: object, msg?: string) => {
    const { call, status } = obj as { call?: string; status?: number };
    lines.push({ call: call ?? '', status, text: `${JSON.stringify(obj)} ${msg ?? ''}` });
  };
  const log: AdapterLogger = { debug: keep, warn: keep };
  const calls = (path: string) => lines.filter((line) => line.call.includes(path));
  return { log, lines, calls };
}

/** Everything an Error can show in a log line or a stack trace. */
function everythingIn(error: unknown): string {
  return `${String(error)}\n${(error as Error).stack ?? ''}\n${inspect(error, { depth: 10, showHidden: true })}`;
}

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
});

runAdapterContract('piped gas company', async () => {
  const baseUrl = await startSandbox();
  return {
    descriptor: pipedGas.descriptor,
    adapter: adapterFor(baseUrl),
    fixtures: FIXTURES,
    probe: sandboxProbe(baseUrl, (consumer) => consumer.bpNumber ?? ''),
    timeoutMs,
    retries,
  };
});

describe('Metro Gas adapter definition', () => {
  it('declares a mandatory fetch, part payments and a 10-digit BP number starting with 5', () => {
    expect(pipedGas.kind).toBe('piped-gas');
    expect(pipedGas.descriptor).toMatchObject({
      id: 'metro-gas',
      category: 'gas',
      fetchRequirement: 'MANDATORY',
      exactness: 'EXACT_AND_BELOW',
      currency: 'INR',
      consumerParams: [{ name: 'bpNumber', pattern: '5\\d{9}', example: '5001234567' }],
    });
  });

  it('refuses a short client secret and defaults the timeout and retries', () => {
    const base = { baseUrl: 'https://gas.example', clientId: 'hub' };
    expect(pipedGas.options.safeParse({ ...base, clientSecret: 'too-short' }).success).toBe(false);
    expect(pipedGas.options.parse({ ...base, clientSecret: 'x'.repeat(16) })).toMatchObject({
      timeoutMs: 5_000,
      retries: 2,
    });
  });
});

const wireInvoice = (overrides: Partial<InvoiceResponse['invoice']> = {}): InvoiceResponse => ({
  bp: { bpNo: '5001234567', holder: { firstName: 'Asha', lastName: 'Verma' } },
  invoice: {
    invoiceId: 'MGI0001234567',
    invoiceDt: '2025-06-02',
    payBy: '2025-06-16T23:59:59+05:30',
    billingPeriod: { start: '2025-05-01', end: '2025-05-31' },
    scmConsumed: '23.400',
    charges: [
      { code: 'GAS', desc: 'Gas charges', amt: { value: 84150, scale: 2 } },
      { code: 'VAT', desc: 'VAT @ 10%', amt: { value: 8415, scale: 2 } },
      { code: 'MTR', amt: { value: 1935, scale: 2 } },
    ],
    totalPayable: { value: 94500, scale: 2 },
    ...overrides,
  },
});

describe('Metro Gas invoice mapping', () => {
  it('turns an invoice into a bill in paise with a masked holder and a breakup that sums to the amount due', () => {
    const bill = toBill(wireInvoice(), '2025-06-03T10:00:00.000Z');
    expect(bill).toEqual({
      billNumber: 'MGI0001234567',
      customerName: 'A*** V****',
      periodStart: '2025-05-01',
      periodEnd: '2025-05-31',
      billDate: '2025-06-02',
      dueDate: '2025-06-16',
      amountDueMinor: 94500,
      breakup: [
        { label: 'Gas charges', amountMinor: 84150 },
        { label: 'VAT @ 10%', amountMinor: 8415 },
        { label: 'MTR', amountMinor: 1935 },
      ],
      currency: 'INR',
      fetchedAt: '2025-06-03T10:00:00.000Z',
    });
  });

  it('shows what the charges do not itemise as one adjustment line, so the breakup still sums to the total', () => {
    const bill = toBill(wireInvoice({ totalPayable: { value: 100000, scale: 2 } }), new Date().toISOString());
    expect(bill.breakup.at(-1)).toEqual({ label: 'Other adjustments', amountMinor: 5500 });
    expect(bill.breakup.reduce((sum, line) => sum + line.amountMinor, 0)).toBe(bill.amountDueMinor);
  });

  it('reads lines written in different scales exactly', () => {
    const bill = toBill(
      wireInvoice({
        charges: [
          { code: 'GAS', amt: { value: 841500, scale: 3 } },
          { code: 'VAT', amt: { value: 8415, scale: 2 } },
          { code: 'MTR', amt: { value: 1935, scale: 2 } },
        ],
        totalPayable: { value: 945, scale: 0 },
      }),
      new Date().toISOString(),
    );
    expect(bill.breakup.map((line) => line.amountMinor)).toEqual([84150, 8415, 1935]);
    expect(bill.amountDueMinor).toBe(94500);
  });

  it('refuses, as retryable, an invoice whose amount is not a whole number of paise', () => {
    const error = (() => {
      try {
        return toBill(wireInvoice({ totalPayable: { value: 945005, scale: 3 } }), new Date().toISOString());
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(BillerUnavailableError);
  });

  it.each([
    [{ value: 945, scale: 0 }, 94500],
    [{ value: 29, scale: 1 }, 290],
    [{ value: 94500, scale: 2 }, 94500],
    [{ value: 945000, scale: 3 }, 94500],
    [{ value: 10, scale: 3 }, 1],
    [{ value: -2500, scale: 2 }, -2500],
    [{ value: 0, scale: 3 }, 0],
  ])('converts %o to %i paise exactly', (amount, minor) => {
    expect(amountToMinor(amount)).toBe(minor);
  });

  it.each([
    ['a fraction of a paisa', { value: 12345, scale: 3 }],
    ['a non-integer value', { value: 1.5, scale: 2 }],
    ['a non-integer scale', { value: 100, scale: 2.5 }],
    ['a negative scale', { value: 100, scale: -1 }],
    ['an absurd scale', { value: 100, scale: 400 }],
    ['a value past safe integers', { value: 2 ** 53, scale: 2 }],
    ['a result past safe integers', { value: Number.MAX_SAFE_INTEGER, scale: 0 }],
  ])('refuses %s rather than rounding', (_, amount) => {
    expect(amountToMinor(amount)).toBeUndefined();
  });

  it("sends the hub's reference as partnerRef and the amount as paise with scale 2", () => {
    const request = toCollectionRequest('5001234567', {
      reference: 'HUB123',
      billNumber: 'MGI0001234567',
      amountMinor: 50_000,
      paidAt: '2025-06-03T10:00:00.000Z',
    });
    expect(request).toEqual({
      bpNo: '5001234567',
      invoiceId: 'MGI0001234567',
      collectedAmount: { value: 50_000, scale: 2 },
      partnerRef: 'HUB123',
      collectedAt: '2025-06-03T10:00:00.000Z',
    });
  });
});

describe('Metro Gas collection states', () => {
  it.each([
    ['POSTED', 'accepted'],
    ['posted', 'accepted'],
    ['IN_PROCESS', 'pending'],
    ['UNDER_REVIEW', 'pending'],
    ['REJECTED', 'rejected'],
    ['REFUNDED', 'rejected'],
    ['ON_HOLD', 'pending'],
    ['', 'pending'],
  ])('maps state %j to %s', (state, status) => {
    expect(toPostingResult('HUB1', { collectionId: 'MGC1', partnerRef: 'HUB1', state })).toEqual({
      reference: 'HUB1',
      status,
      billerReference: 'MGC1',
      billerStatus: state,
    });
  });
});

describe('Metro Gas error mapping', () => {
  it('takes only the BP_NOT_FOUND fault for an unknown consumer', () => {
    const notFound = invoiceError(404, { fault: { code: 'BP_NOT_FOUND' } });
    expect(notFound).toBeInstanceOf(ConsumerNotFoundError);
    expect(notFound.billerCode).toBe('BP_NOT_FOUND');
    // A 404 from a wrong base URL is not a verdict on the consumer.
    expect(invoiceError(404, '<html>Not Found</html>')).toBeInstanceOf(BillerUnavailableError);
  });

  it('makes BP_BLOCKED and INVOICE_CLOSED refusals final, with the code and text', () => {
    const blocked = collectionError(409, { fault: { code: 'BP_BLOCKED', text: 'Collections are blocked' } });
    expect(blocked).toBeInstanceOf(BillerRejectedError);
    expect(blocked).toMatchObject({ billerCode: 'BP_BLOCKED', retryable: false, message: 'Collections are blocked' });
    const closed = collectionError(409, { fault: { code: 'INVOICE_CLOSED' } });
    expect(closed).toMatchObject({ billerCode: 'INVOICE_CLOSED', retryable: false });
    expect(closed.message).toContain('INVOICE_CLOSED');
  });

  it('keeps answers that are not an explicit refusal retryable', () => {
    for (const [status, body] of [
      [409, 'conflict'],
      [429, { fault: { code: 'RATE_LIMITED' } }],
      [403, { fault: { code: 'FORBIDDEN' } }],
      [404, {}],
    ] as const) {
      const error = collectionError(status, body);
      expect(error).toBeInstanceOf(BillerUnavailableError);
      expect(error.retryable).toBe(true);
    }
  });

  it('reports refused client credentials as an operator problem, retryable, coded invalid_client', () => {
    const error = tokenError(401, { error: 'invalid_client' });
    expect(error).toBeInstanceOf(BillerUnavailableError);
    expect(error.billerCode).toBe('invalid_client');
  });
});

describe('Metro Gas OAuth2 tokens', () => {
  it('refuses a wrong client secret without showing it in the error or the logs', async () => {
    const baseUrl = await startSandbox();
    const direct = await fetch(`${baseUrl}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'hub-metro-gas',
        client_secret: 'nope',
      }),
    });
    expect(direct.status).toBe(401);
    expect(await direct.json()).toEqual({ error: 'invalid_client' });

    const wrongSecret = 'wrong-secret-0123456789';
    const { log, lines } = captureLog();
    const error = await adapterFor(baseUrl, { clientSecret: wrongSecret }, log)
      .fetchBill(FIXTURES.known)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillerUnavailableError);
    expect((error as BillerUnavailableError).billerCode).toBe('invalid_client');
    expect(everythingIn(error)).not.toContain(wrongSecret);
    expect(lines.map((line) => line.text).join('\n')).not.toContain(wrongSecret);
  });

  it("refuses an API call without a valid token in the company's own shape, and grants one over HTTP Basic", async () => {
    const baseUrl = await startSandbox();
    const invoiceUrl = `${baseUrl}/gas/v1/accounts/${FIXTURES.known.bpNumber}/invoice`;
    const anonymous = await fetch(invoiceUrl, { headers: { authorization: 'Bearer made-up' } });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ fault: { code: 'TOKEN_INVALID', text: expect.any(String) } });

    const { clientId, clientSecret } = defaultSandboxCredentials;
    const granted = await fetch(`${baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    const token = (await granted.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
    const invoice = await fetch(invoiceUrl, { headers: { authorization: `Bearer ${token.access_token}` } });
    expect(invoice.status).toBe(200);
  });

  it('shares one token request among concurrent calls', async () => {
    const baseUrl = await startSandbox();
    const { log, calls } = captureLog();
    // The sharing does not depend on timing: all five calls ask for the token before its request
    // can answer. What did was the suite's 300 ms timeout: on a busy machine a call timed out and
    // its retry made a second token request or invoice call. Without a deadline to miss and
    // without retries, each call simply waits for its answer.
    const adapter = adapterFor(baseUrl, { timeoutMs: 60_000, retries: 0 }, log);
    await Promise.all(Array.from({ length: 5 }, () => adapter.fetchBill(FIXTURES.known)));
    expect(calls('/oauth/token')).toHaveLength(1);
    expect(calls('/invoice').map((line) => line.status)).toEqual([200, 200, 200, 200, 200]);
  });

  it.concurrent('renews a token the company says has expired, once, without the caller noticing', async ({
    expect,
  }) => {
    const baseUrl = await startSandbox({ tokenTtlSeconds: 1 });
    const { log, lines, calls } = captureLog();
    // A clock that never moves: the cache keeps the token, so only the company's 401 can renew it.
    const client = createPipedGasClient({
      baseUrl,
      ...defaultSandboxCredentials,
      timeoutMs,
      retries,
      log,
      now: () => 0,
    });
    closers.push(() => client.close());
    await client.getInvoice(FIXTURES.known.bpNumber);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expect(client.getInvoice(FIXTURES.known.bpNumber)).resolves.toHaveProperty('invoice.invoiceId');
    expect(calls('/oauth/token')).toHaveLength(2);
    expect(calls('/invoice').map((line) => line.status)).toEqual([200, 401, 200]);
    const logged = lines.map((line) => line.text).join('\n');
    expect(logged).not.toContain(defaultSandboxCredentials.clientSecret);
    expect(logged).not.toMatch(/bearer|access_token/i);
  });

  it.concurrent('renews a token shortly before it expires instead of waiting for a refusal', async ({ expect }) => {
    const baseUrl = await startSandbox({ tokenTtlSeconds: 1 });
    const { log, calls } = captureLog();
    const adapter = adapterFor(baseUrl, {}, log);
    await adapter.fetchBill(FIXTURES.known);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await adapter.fetchBill(FIXTURES.known);
    expect(calls('/oauth/token')).toHaveLength(2);
    expect(calls('/invoice').map((line) => line.status)).toEqual([200, 200]);
  });

  it('gives up, retryable, after one renewal when the company refuses the fresh token too', async () => {
    const baseUrl = await startSandbox({ tokenTtlSeconds: 0 });
    const { log, calls } = captureLog();
    const error = await adapterFor(baseUrl, {}, log)
      .fetchBill(FIXTURES.known)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillerUnavailableError);
    expect((error as BillerUnavailableError).billerCode).toBe('TOKEN_EXPIRED');
    expect(calls('/oauth/token')).toHaveLength(2);
    expect(calls('/invoice').map((line) => line.status)).toEqual([401, 401]);
  });
});
