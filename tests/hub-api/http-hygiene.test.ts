import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHubConfig } from '../../hub/config.js';
import { corsPolicy } from '../../infra/http/cors.js';
import { Browser } from '../idp/support/browser.js';
import { login, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';
import { startTestHub, type TestHub } from './test-hub.js';

const PORTAL = 'https://portal.example.in';
const STRANGER = 'https://evil.example.com';

/** What helmet (infra/http/security-headers.ts) puts on every answer, as the idp sends it. */
const SECURITY_HEADERS = {
  'strict-transport-security': /max-age=\d+/,
  'x-content-type-options': /^nosniff$/,
  'x-frame-options': /^SAMEORIGIN$/,
  'referrer-policy': /^no-referrer$/,
  'cross-origin-opener-policy': /^same-origin$/,
  'cross-origin-resource-policy': /^same-origin$/,
  'x-dns-prefetch-control': /^off$/,
  'x-download-options': /^noopen$/,
  'x-permitted-cross-domain-policies': /^none$/,
};

describe('HTTP hygiene of the hub API', () => {
  let idp: TestIdp;
  let hub: TestHub;
  let token: string;

  const call = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    fetch(`${hub.url}/api/v1${path}`, init);
  const withToken = (scheme = 'Bearer') => ({ authorization: `${scheme} ${token}` });

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    hub = await startTestHub(idp.issuer, HUB_API, { HUB_CORS_ORIGINS: `${PORTAL}, https://partner.example.in` });
    const rp = await relyingParty(idp, idp.hub);
    const { tokens } = await login(idp, new Browser([idp.hub.redirectUri]), rp, idp.hub, {
      identifier: 'hygiene@example.org',
      scope: 'openid bills:read accounts:write payments:read payments:write',
      resource: HUB_API,
    });
    token = tokens.access_token;
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it('accepts the bearer scheme in any letter case (RFC 7235 §2.1)', async () => {
    for (const scheme of ['bearer', 'BEARER', 'bEaReR', 'Bearer']) {
      const res = await call('/accounts', { headers: withToken(scheme) });
      expect(res.status, scheme).toBe(200);
    }
  });

  it('still answers a malformed Authorization header with the RFC 6750 invalid_token challenge', async () => {
    for (const header of [`Basic ${token}`, 'bearer', `bearer${token}`, `bearer ${token} extra`, `Token ${token}`]) {
      const res = await call('/accounts', { headers: { authorization: header } });
      expect(res.status, header).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      expect(await res.json()).toMatchObject({ status: 401, code: 'invalid_token' });
    }
  });

  it('answers a body that is not JSON 415 problem+json, and stores nothing', async () => {
    const sent = [
      ['text/plain', JSON.stringify({ billerId: 'city-water', consumer: { connectionId: 'W12-004512' } })],
      ['application/x-www-form-urlencoded', 'billerId=city-water&consumer[connectionId]=W12-004512'],
    ];
    for (const [type, body] of sent) {
      const res = await call('/accounts', {
        method: 'POST',
        body,
        headers: { ...withToken(), 'content-type': type as string },
      });
      expect(res.status, type).toBe(415);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    }
    const listed = (await (await call('/accounts', { headers: withToken() })).json()) as { accounts: unknown[] };
    expect(listed.accounts).toEqual([]);
  });

  it('answers an unknown method on a known path 405 problem+json with an Allow header', async () => {
    for (const [method, path, allowed] of [
      ['PUT', '/accounts', ['GET', 'POST']],
      ['PATCH', '/billers/state-electricity', ['GET']],
      ['DELETE', '/payments', ['GET']],
      // A method the router does not know at all: @koa/router alone answers it 501 in plain text.
      ['PROPFIND', '/accounts', ['GET', 'POST']],
    ] as const) {
      const res = await call(path, { method, headers: withToken() });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const allow = (res.headers.get('allow') ?? '').split(/,\s*/);
      expect(allow).toEqual(expect.arrayContaining([...allowed]));
      expect(allow).not.toContain(method);
      expect(await res.json()).toMatchObject({ status: 405, code: 'method_not_allowed' });
    }
  });

  it('answers an unknown method on the health endpoint 405 problem+json as well', async () => {
    const res = await fetch(`${hub.url}/healthz`, { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('GET');
    expect(await res.json()).toMatchObject({ status: 405, code: 'method_not_allowed' });
  });

  it('keeps an unknown path a 404 problem+json whatever the method', async () => {
    for (const method of ['GET', 'DELETE', 'PROPFIND']) {
      const res = await call('/nowhere', { method, headers: withToken() });
      expect(res.status, method).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ status: 404, code: 'not_found' });
    }
  });

  it('sends the security headers on answers, refusals and unknown paths', async () => {
    const answers = [
      await call('/billers'),
      await call('/accounts'),
      await call('/accounts', { headers: withToken() }),
      await call('/nowhere'),
    ];
    for (const res of answers) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        expect(res.headers.get(name), `${res.url} ${name}`).toMatch(value);
      }
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('marks every answer with citizen data, and every refusal, Cache-Control no-store', async () => {
    for (const path of [
      '/accounts',
      '/dues',
      '/payments',
      '/billers/state-electricity/bill?consumerNumber=1002003004',
    ]) {
      const res = await call(path, { headers: withToken() });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
    const refused = await call('/accounts');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const unknownBiller = await call('/billers/nope');
    expect(unknownBiller.status).toBe(404);
    expect(unknownBiller.headers.get('cache-control')).toBe('no-store');
  });

  it('lets caches keep the public biller directory and the OpenAPI document for five minutes', async () => {
    for (const path of ['/billers', '/billers/state-electricity', '/openapi.json']) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('public, max-age=300');
    }
  });

  it('gives an origin outside HUB_CORS_ORIGINS no CORS headers, on requests and preflights', async () => {
    const get = await call('/billers', { headers: { origin: STRANGER } });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    expect(get.headers.get('vary')).toMatch(/origin/i);
    const preflight = await call('/accounts', {
      method: 'OPTIONS',
      headers: { origin: STRANGER, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('answers the preflight and the requests of an origin in HUB_CORS_ORIGINS, without credentials', async () => {
    const preflight = await call('/accounts', {
      method: 'OPTIONS',
      headers: {
        origin: PORTAL,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']),
    );
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    expect(preflight.headers.get('access-control-max-age')).toBe('600');

    const res = await call('/accounts', { headers: { origin: PORTAL, ...withToken() } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(res.headers.get('access-control-expose-headers')).toContain('Location');
    expect(res.headers.get('cache-control')).toBe('no-store');
    // A refusal reaches the calling page too, so it can read the challenge and sign in again.
    const refused = await call('/accounts', { headers: { origin: 'https://partner.example.in' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://partner.example.in');
  });
});

describe('the CORS allow-list variable', () => {
  const base = {
    MONGODB_URI: 'mongodb://localhost:27017',
    REDIS_URL: 'redis://localhost:6379',
    GATEWAY_API_KEY: 'gateway-key-000000001',
    GATEWAY_WEBHOOK_SECRET: 'gateway-secret-0000001',
  };

  it('is empty by default, so no browser origin is allowed', async () => {
    const config = loadHubConfig(base);
    expect(config.HUB_CORS_ORIGINS).toEqual([]);
    const app = new Koa().use(corsPolicy({ origins: config.HUB_CORS_ORIGINS, allowHeaders: ['Authorization'] }));
    app.use((ctx) => {
      ctx.body = { ok: true };
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const res = await fetch(url, { headers: { origin: PORTAL } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(url, {
        method: 'OPTIONS',
        headers: { origin: PORTAL, 'access-control-request-method': 'GET' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      server.close();
    }
  });

  it('takes exact origins and refuses a URL with a path or a wildcard', () => {
    expect(loadHubConfig({ ...base, HUB_CORS_ORIGINS: ` ${PORTAL} ,http://localhost:5173` }).HUB_CORS_ORIGINS).toEqual([
      PORTAL,
      'http://localhost:5173',
    ]);
    expect(() => loadHubConfig({ ...base, HUB_CORS_ORIGINS: `${PORTAL}/app` })).toThrow(/HUB_CORS_ORIGINS/);
    expect(() => loadHubConfig({ ...base, HUB_CORS_ORIGINS: '*' })).toThrow(/HUB_CORS_ORIGINS/);
  });
});
