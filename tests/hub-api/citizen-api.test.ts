import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../idp/support/browser.js';
import { login, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';
import { forgedJws } from '../support/forged-jws.js';
import { startTestHub, type TestHub } from './test-hub.js';

const ALL_SCOPES = 'openid bills:read accounts:write payments:read payments:write';
const ELECTRICITY = { billerId: 'state-electricity', consumer: { consumerNumber: '1002003004' } };
const WATER = { billerId: 'city-water', consumer: { connectionId: 'W12-004512' } };
const GAS = { billerId: 'metro-gas', consumer: { bpNumber: '5001234567' } };

describe('the hub citizen API', () => {
  let idp: TestIdp;
  let hub: TestHub;
  let asha: string;
  let ravi: string;
  let noBillsScope: string;
  let partnerToken: string;
  let idToken: string;

  const call = (path: string, token?: string, init: RequestInit = {}) =>
    fetch(`${hub.url}/api/v1${path}`, {
      ...init,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    });

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    // A one-second bill cache: long enough to see a cache hit, short enough to outwait.
    hub = await startTestHub(idp.issuer, HUB_API, { BILL_CACHE_SECONDS: '1', BILLER_TIMEOUT_MS: '1500' });
    const hubRp = await relyingParty(idp, idp.hub);
    const token = async (identifier: string, scope = ALL_SCOPES) => {
      const { tokens } = await login(idp, new Browser([idp.hub.redirectUri]), hubRp, idp.hub, {
        identifier,
        scope,
        resource: HUB_API,
      });
      return tokens;
    };
    const ashaTokens = await token('asha@example.org');
    asha = ashaTokens.access_token;
    idToken = ashaTokens.id_token as string;
    ravi = (await token('ravi@example.org')).access_token;
    noBillsScope = (await token('limited@example.org', 'openid payments:read')).access_token;
    const partnerRp = await relyingParty(idp, idp.partner);
    partnerToken = (
      await login(idp, new Browser([idp.partner.redirectUri]), partnerRp, idp.partner, {
        identifier: 'asha@example.org',
      })
    ).tokens.access_token;
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it('lists the billers publicly, filtered by category, and refuses an unknown category', async () => {
    const all = (await (await call('/billers')).json()) as { billers: { id: string }[] };
    // The registry's billers in its order (a biller added later keeps this test as it is), the shipped ones among them.
    expect(all.billers.map((b) => b.id)).toEqual(hub.registry.list().map((biller) => biller.id));
    expect(all.billers.map((b) => b.id)).toEqual(
      expect.arrayContaining(['state-electricity', 'city-water', 'metro-gas', 'city-property-tax', 'payment-demands']),
    );
    const water = (await (await call('/billers?category=water')).json()) as {
      billers: { id: string; exactness: string }[];
    };
    expect(water.billers).toMatchObject([{ id: 'city-water', exactness: 'EXACT' }]);
    const bad = await call('/billers?category=telecom');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'invalid_request', fields: [{ field: 'category' }] });
    expect((await call('/billers/nope')).status).toBe(404);
  });

  it('answers 401 without a token, with a token for another audience, or with an ID token', async () => {
    for (const token of [undefined, partnerToken, idToken, forgedJws(asha)]) {
      const res = await call('/accounts', token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      expect(await res.json()).toMatchObject({ status: 401, code: 'invalid_token' });
    }
  });

  it('answers 403 naming the scope when the token lacks it', async () => {
    const res = await call('/accounts', noBillsScope);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(await res.json()).toMatchObject({ code: 'insufficient_scope', detail: 'this needs the bills:read scope' });
  });

  it('fetches a bill by consumer number, then serves it from the short cache', async () => {
    const first = (await (await call('/billers/state-electricity/bill?consumerNumber=1002003004', asha)).json()) as {
      bill: { amountDueMinor: number; customerName: string };
      cached: boolean;
    };
    expect(first.cached).toBe(false);
    expect(Number.isSafeInteger(first.bill.amountDueMinor)).toBe(true);
    expect(first.bill.customerName).toContain('*');
    const second = (await (await call('/billers/state-electricity/bill?consumerNumber=1002003004', asha)).json()) as {
      cached: boolean;
    };
    expect(second.cached).toBe(true);
  });

  it("turns biller refusals into clear 422 answers, a consumer against the biller's rules too", async () => {
    const malformed = await call('/billers/state-electricity/bill?consumerNumber=12-34', asha);
    expect(malformed.status).toBe(422);
    expect(await malformed.json()).toMatchObject({ code: 'invalid_consumer_number', retryable: false });
    const unknown = await call('/billers/state-electricity/bill?consumerNumber=9000000001', asha);
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({ code: 'consumer_not_found' });
    expect((await call('/billers/nope/bill?x=1', asha)).status).toBe(404);
  });

  it('links accounts once each, shows them only to their citizen, and unlinks them', async () => {
    for (const account of [ELECTRICITY, WATER, GAS]) {
      const res = await call('/accounts', asha, {
        method: 'POST',
        body: JSON.stringify({ ...account, nickname: 'Home' }),
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ account: { billerId: account.billerId, nickname: 'Home' } });
    }
    const again = await call('/accounts', asha, { method: 'POST', body: JSON.stringify(ELECTRICITY) });
    expect(again.status).toBe(409);

    const mine = (await (await call('/accounts', asha)).json()) as {
      accounts: { id: string; consumerMasked: string }[];
    };
    expect(mine.accounts).toHaveLength(3);
    expect(mine.accounts[0]?.consumerMasked).toBe('******3004');
    expect(((await (await call('/accounts', ravi)).json()) as { accounts: unknown[] }).accounts).toEqual([]);
    const id = mine.accounts[0]?.id as string;
    expect(id).toMatch(/^ACC/);
    expect((await call(`/accounts/${id}`, ravi, { method: 'DELETE' })).status).toBe(404);
    expect(((await (await call('/accounts', asha)).json()) as { accounts: unknown[] }).accounts).toHaveLength(3);
  });

  it('shows all dues at once, and a failing biller only fails its own account', async () => {
    await new Promise((r) => setTimeout(r, 1_100)); // outwait the bill cache
    await fetch(`${hub.sandboxes.gas}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ consumer: '5001234567', kind: 'error_5xx', times: 100 }),
    });
    try {
      const { dues } = (await (await call('/dues', asha)).json()) as {
        dues: { account: { billerId: string }; bill?: unknown; error?: { code: string; retryable: boolean } }[];
      };
      expect(dues.map((d) => [d.account.billerId, Boolean(d.bill), d.error?.code])).toEqual([
        ['state-electricity', true, undefined],
        ['city-water', true, undefined],
        ['metro-gas', false, 'biller_unavailable'],
      ]);
      expect(dues[2]?.error?.retryable).toBe(true);
    } finally {
      await fetch(`${hub.sandboxes.gas}/__sandbox/faults`, { method: 'DELETE' });
    }
  });

  it('refuses bad input with a 4xx and stores nothing', async () => {
    const before = ((await (await call('/accounts', ravi)).json()) as { accounts: unknown[] }).accounts.length;
    const bodies = [
      '{ not json',
      JSON.stringify({ billerId: 'state-electricity' }),
      JSON.stringify({ ...ELECTRICITY, extra: true }),
      JSON.stringify({ billerId: 'State Electricity', consumer: {} }),
      JSON.stringify({ billerId: 'state-electricity', consumer: { consumerNumber: 1002003004 } }),
    ];
    for (const body of bodies) {
      const res = await call('/accounts', ravi, { method: 'POST', body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    const huge = await call('/accounts', ravi, {
      method: 'POST',
      body: JSON.stringify({ ...ELECTRICITY, nickname: 'x'.repeat(1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(((await (await call('/accounts', ravi)).json()) as { accounts: unknown[] }).accounts).toHaveLength(before);
  });

  it('publishes an OpenAPI document listing exactly the routes it serves', async () => {
    const doc = (await (await call('/openapi.json')).json()) as { openapi: string; paths: Record<string, object> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual(
      [
        'get /billers',
        'get /billers/{billerId}',
        'get /billers/{billerId}/bill',
        'get /accounts',
        'post /accounts',
        'delete /accounts/{accountId}',
        'get /dues',
        'get /dues/demands/{reference}',
        'post /checkouts',
        'get /payments',
        'get /payments/{paymentId}',
        'post /payments/{paymentId}/sync',
        'get /payments/{paymentId}/receipt',
        'get /payments/{paymentId}/receipt.pdf',
        'get /receipts/verify',
        'post /gateway/webhooks',
        'post /demands',
        'post /demand-uploads',
        'get /demands',
        'get /demands.csv',
        'get /demands/{reference}',
        'post /demands/{reference}/cancel',
        'patch /demands/{reference}',
        'get /autopay',
        'post /autopay',
        'get /autopay/{autopayId}',
        'post /autopay/{autopayId}/confirm',
        'post /autopay/{autopayId}/pause',
        'post /autopay/{autopayId}/resume',
        'post /autopay/{autopayId}/cancel',
        'get /operator/payments',
        'get /operator/payments/{paymentId}',
        'get /operator/queues/unknown',
        'get /operator/queues/held',
        'get /operator/queues/recon',
        'get /operator/audit',
        'post /operator/lines/{lineId}/enquire',
        'post /operator/lines/{lineId}/repost',
        'post /operator/lines/{lineId}/refund',
        'post /operator/payments/{paymentId}/notes',
        'post /operator/payments/{paymentId}/refund',
        'post /operator/recon-cases/{caseId}/close',
        'post /complaints',
        'get /complaints',
        'get /complaints/{complaintId}',
        'post /complaints/{complaintId}/rating',
        'get /operator/complaints',
        'get /operator/complaints/{complaintId}',
        'post /operator/complaints/{complaintId}/assign',
        'post /operator/complaints/{complaintId}/status',
        'post /operator/complaints/{complaintId}/resolve',
        'post /operator/complaints/{complaintId}/reject',
        'post /payments/{paymentId}/feedback',
        'get /payments/{paymentId}/feedback',
        'get /operator/metrics',
        'get /operator/risk-rules',
        'put /operator/risk-rules',
        'get /operator/queues/flagged',
        'post /operator/payments/{id}/review',
      ].sort(),
    );
    // A checkout documents its header, its replay marker and every problem a client may branch on.
    const post = (doc.paths['/checkouts'] as { post: Record<string, unknown> }).post as {
      parameters: { name: string; in: string; required: boolean }[];
      responses: Record<string, { description: string; headers?: Record<string, unknown> }>;
    };
    expect(post.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
    );
    expect(Object.keys(post.responses).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '404',
      '409',
      '410',
      '413',
      '415',
      '422',
      '503',
    ]);
    // Its success body is documented, and every problem is problem+json with the Problem schema.
    expect(post.responses['201']).toHaveProperty([
      'content',
      'application/json',
      'schema',
      'properties',
      'checkoutUrl',
    ]);
    expect(post.responses['413']).toHaveProperty(
      ['content', 'application/problem+json', 'schema', '$ref'],
      '#/components/schemas/Problem',
    );
    expect(post.responses['409']?.description).toContain('bill_already_paid');
    expect(post.responses['201']?.headers).toHaveProperty('Idempotent-Replayed');
    // Every operation has an operationId and documents its success body (the PDF and the CSV as binary).
    const operations = Object.values(doc.paths).flatMap((ops) => Object.values(ops)) as {
      operationId?: string;
      responses: Record<string, { content?: Record<string, unknown> }>;
    }[];
    const owned = operations.filter((op) => op.operationId);
    expect(owned.length).toBeGreaterThanOrEqual(12);
    for (const op of owned) {
      const [status, success] = Object.entries(op.responses).find(([code]) => code.startsWith('2')) ?? [];
      const mediaType =
        op.operationId === 'getMyReceiptPdf'
          ? 'application/pdf'
          : op.operationId === 'exportDemands'
            ? 'text/csv'
            : 'application/json';
      if (status !== '204') expect(success?.content, op.operationId).toHaveProperty(mediaType);
      for (const [code, answer] of Object.entries(op.responses).filter(([c]) => !c.startsWith('2'))) {
        expect(answer.content, `${op.operationId} ${code}`).toHaveProperty('application/problem+json');
      }
    }
    // How to get a token: bearer JWT, and the idp's code flow with the API's scopes.
    const { components, info, servers } = doc as unknown as {
      components: { securitySchemes: Record<string, { type: string; flows?: Record<string, { scopes: object }> }> };
      info: { description: string };
      servers: { url: string }[];
    };
    expect(components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(Object.keys(components.securitySchemes.idp?.flows?.authorizationCode?.scopes ?? {}).sort()).toEqual([
      'accounts:write',
      'bills:read',
      'payments:read',
      'payments:write',
    ]);
    expect(info.description).toContain('PKCE');
    expect(info.description).toContain(`resource=${HUB_API}`);
    expect(servers[0]?.url).toBe(`${hub.url}/api/v1`);
    // Every documented route answers (not 404) at its path.
    for (const entry of documented) {
      const [method, path] = entry.split(' ') as [string, string];
      const res = await call(path.replace(/\{\w+\}/g, 'state-electricity'), undefined, {
        method: method.toUpperCase(),
      });
      expect(res.status, entry).not.toBe(404);
    }
  });
});
