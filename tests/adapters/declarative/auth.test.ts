import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalText } from '../../../adapters/declarative/index.js';
import { BillerUnavailableError } from '../../../adapters/sdk/index.js';
import { baseDeclaration, billBody, useStubBillers } from './stub-biller.js';

const consumer = { accountNo: '123456' };
const biller = useStubBillers();

/** The base declaration's calls, each sending a body (HMAC signs bodies). */
const signedCalls = (encoding: 'json' | 'form') => {
  const base = baseDeclaration() as Record<string, { request: Record<string, unknown> } & Record<string, unknown>>;
  const withBody = (call: string, fields: Record<string, string>) => ({
    ...base[call],
    request: { ...base[call]?.request, method: 'POST', idempotent: true, body: { encoding, fields } },
  });
  return {
    fetch: withBody('fetch', { accountNo: 'consumer.accountNo', channel: '"HUB"' }),
    post: withBody('post', {
      accountNo: 'consumer.accountNo',
      amount: 'posting.amountMinor',
      ref: 'posting.reference',
    }),
    status: withBody('status', { ref: 'reference' }),
  };
};

describe('declared authentication', () => {
  it('sends the API key in the declared header and keeps a secret option out of error messages', async () => {
    const { adapter, stub } = await biller(
      () => ({ status: 503 }),
      {
        fetch: {
          ...(baseDeclaration().fetch as object),
          request: { method: 'GET', path: '/k/{options.apiKey}/{consumer.accountNo}' },
        },
      },
      { apiKey: 'very-secret-key-01', retries: 0 },
    );
    const error = await adapter.fetchBill(consumer).catch((e: unknown) => e);
    expect(stub.requests[0]?.headers['x-key']).toBe('very-secret-key-01');
    expect(error).toBeInstanceOf(BillerUnavailableError);
    expect((error as Error).message).toContain('[redacted]');
    expect((error as Error).message).not.toContain('very-secret-key-01');
  });

  it('signs a form body with HMAC-SHA256 over the sorted fields and a timestamp, as the biller checks it', async () => {
    const secret = 'form-shared-secret-0001';
    const { adapter, stub } = await biller(
      (request) => {
        const fields = Object.fromEntries(new URLSearchParams(request.body));
        const { sig, ...signed } = fields;
        const text = Object.keys(signed)
          .sort()
          .map((name) => `${name}=${signed[name]}`)
          .join('&');
        const expected = createHmac('sha256', secret).update(text).digest('hex');
        return sig === expected ? { body: billBody() } : { status: 401, body: { code: 'BAD_SIG' } };
      },
      {
        options: { baseUrl: { type: 'url' }, secret: { type: 'string', secret: true } },
        auth: {
          kind: 'hmac',
          algorithm: 'sha256',
          secretOption: 'secret',
          timestamp: { field: 'ts', unit: 'seconds' },
          signature: { field: 'sig' },
        },
        ...signedCalls('form'),
      },
      { secret },
    );
    expect((await adapter.fetchBill(consumer)).amountDueMinor).toBe(15_050);
    const sent = Object.fromEntries(new URLSearchParams(stub.requests[0]?.body));
    expect(Object.keys(sent).sort()).toEqual(['accountNo', 'channel', 'sig', 'ts']);
    expect(stub.requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('signs a JSON body with HMAC-SHA512 over a declared canonical string, the signature in a header', async () => {
    const secret = 'json-shared-secret-0001';
    const { adapter, stub } = await biller(
      (request) => {
        const body = JSON.parse(request.body) as Record<string, unknown>;
        const text = ['accountNo', 'amount', 'at', 'ref'].map((name) => `${body[name]}`).join('|');
        const expected = createHmac('sha512', secret).update(text).digest('base64');
        return request.headers['x-signature'] === expected
          ? { status: 201, body: { state: 'DONE', receipt: 'R-1', ref: body.ref } }
          : { status: 401, body: { code: 'BAD_SIG' } };
      },
      {
        options: { baseUrl: { type: 'url' }, secret: { type: 'string', secret: true } },
        auth: {
          kind: 'hmac',
          algorithm: 'sha512',
          secretOption: 'secret',
          timestamp: { field: 'at', unit: 'iso' },
          canonical: { order: 'sorted', pair: '{value}', separator: '|' },
          signature: { header: 'X-Signature', encoding: 'base64' },
        },
        ...signedCalls('json'),
      },
      { secret },
    );
    const result = await adapter.postPayment({
      reference: 'HUB0001',
      consumer,
      billNumber: 'B-1',
      amountMinor: 15_050,
      paidAt: '2026-11-20T10:00:00.000Z',
    });
    expect(result).toMatchObject({ status: 'accepted', billerReference: 'R-1' });
    // Typed JSON stays typed on the wire; the signature covers its text.
    expect(JSON.parse(stub.requests[0]?.body ?? '{}')).toMatchObject({ amount: 15_050, ref: 'HUB0001' });
  });

  it('writes the canonical string in name or declaration order, leaving the signature field out', () => {
    const fields = { b: '2', a: '1', sig: 'x', n: 3 };
    expect(canonicalText(fields, { order: 'sorted', pair: '{name}={value}', separator: '&' }, 'sig')).toBe(
      'a=1&b=2&n=3',
    );
    expect(canonicalText(fields, { order: 'declared', pair: '{value}', separator: '|' }, 'sig')).toBe('2|1|3');
  });

  describe('OAuth2 client credentials', () => {
    const oauth = (credentials: 'form' | 'basic') => ({
      options: {
        baseUrl: { type: 'url' },
        clientId: { type: 'string' },
        clientSecret: { type: 'string', secret: true, minLength: 8 },
      },
      auth: {
        kind: 'oauth2',
        tokenUrl: '/token',
        clientIdOption: 'clientId',
        clientSecretOption: 'clientSecret',
        credentials,
      },
    });
    const credentials = { clientId: 'hub client', clientSecret: 'client-secret-01' };

    it('fetches a token once (HTTP Basic credentials) and reuses it until it expires', async () => {
      let issued = 0;
      const { adapter, stub } = await biller(
        (request) => {
          if (request.url === '/token') {
            issued += 1;
            return { body: { access_token: `tok-${issued}`, token_type: 'Bearer', expires_in: 300 } };
          }
          return request.headers.authorization === `Bearer tok-${issued}` ? { body: billBody() } : { status: 401 };
        },
        oauth('basic'),
        credentials,
      );
      await Promise.all([adapter.fetchBill(consumer), adapter.fetchBill(consumer)]);
      await adapter.fetchBill(consumer);
      expect(issued).toBe(1);
      const token = stub.requests.find((r) => r.url === '/token');
      expect(token?.headers.authorization).toBe(
        `Basic ${Buffer.from('hub+client:client-secret-01').toString('base64')}`,
      );
      expect(token?.body).toBe('grant_type=client_credentials');
    });

    it('renews a refused token once and retries, and gives up (unavailable) when the fresh one is refused too', async () => {
      let issued = 0;
      let acceptFrom = 2;
      const { adapter, stub } = await biller(
        (request) => {
          if (request.url === '/token') {
            issued += 1;
            return { body: { access_token: `tok-${issued}`, expires_in: 300 } };
          }
          const n = Number(request.headers.authorization?.replace('Bearer tok-', ''));
          return n >= acceptFrom ? { body: billBody() } : { status: 401 };
        },
        oauth('form'),
        credentials,
      );
      expect((await adapter.fetchBill(consumer)).billNumber).toBe('B-1');
      expect(issued).toBe(2);
      expect(stub.requests.find((r) => r.url === '/token')?.body).toContain('client_id=hub+client');

      acceptFrom = 100;
      const error = await adapter.fetchBill(consumer).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BillerUnavailableError);
      expect((error as Error).message).toMatch(/refused a freshly issued access token/);
      expect(issued).toBe(3);
    });

    it("reports refused client credentials as unavailable, with the endpoint's error code", async () => {
      const { adapter } = await biller(
        (request) =>
          request.url === '/token' ? { status: 401, body: { error: 'invalid_client' } } : { body: billBody() },
        oauth('form'),
        credentials,
      );
      const error = await adapter.fetchBill(consumer).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BillerUnavailableError);
      expect((error as BillerUnavailableError).billerCode).toBe('invalid_client');
    });
  });
});
