import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCOPES } from '../../hub/api/scopes.js';
import { Browser } from '../idp/support/browser.js';
import { login, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';
import { forgedJws } from '../support/forged-jws.js';
import { machineClient, machineToken } from './machine-client.js';
import { startTestHub, type TestHub } from './test-hub.js';

interface Operation {
  description: string;
  'x-token-kinds': string[];
  'x-token-required': boolean;
  security: Record<string, string[]>[];
  responses: Record<string, { description: string }>;
}
type Document = { paths: Record<string, Record<string, Operation>>; info: { description: string } };

/** Every public operation, as a request that needs no token. */
const PUBLIC_CALLS: { method: string; path: string; body?: string }[] = [
  { method: 'GET', path: '/billers' },
  { method: 'GET', path: '/billers/state-electricity' },
  { method: 'GET', path: '/receipts/verify?t=not-a-receipt' },
  { method: 'POST', path: '/gateway/webhooks', body: '{"id":"evt_1","type":"payment.captured"}' },
  { method: 'GET', path: '/openapi.json' },
];

/**
 * RFC 6750 §3.1 on the public routes: they need no token, but a token that is sent is checked,
 * so a caller whose token does not work learns it on its first call, not on a later one.
 */
describe('public hub routes check a token that is sent', () => {
  const bulk = machineClient('provider-public');
  let idp: TestIdp;
  let hub: TestHub;
  let citizen: { access: string; id: string };
  let clientToken: string;

  const call = (path: string, authorization?: string, method = 'GET', body?: string) =>
    fetch(`${hub.url}/api/v1${path}`, {
      method,
      body,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
    });

  beforeAll(async () => {
    idp = await startTestIdp({ ...bulk.env, OTP_SENDS_PER_IP_PER_HOUR: '1000' }, { extraClients: [bulk.entry] });
    hub = await startTestHub(idp.issuer, HUB_API);
    clientToken = await machineToken(idp, bulk, 'billers:read');
    const { tokens } = await login(idp, new Browser([idp.hub.redirectUri]), await relyingParty(idp, idp.hub), idp.hub, {
      identifier: 'public.routes@example.org',
      scope: 'openid bills:read',
      resource: HUB_API,
    });
    citizen = { access: tokens.access_token, id: tokens.id_token as string };
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it('answers 401 invalid_token with the Bearer challenge on every public route when the token sent is not valid', async () => {
    const invalid = [
      'Bearer abc',
      `Bearer ${forgedJws(citizen.access)}`,
      // An ID token is for the client, not for this API.
      `Bearer ${citizen.id}`,
      'Bearer',
      'bearer abc',
    ];
    for (const { method, path, body } of PUBLIC_CALLS) {
      for (const authorization of invalid) {
        const res = await call(path, authorization, method, body);
        const label = `${method} ${path} with ${authorization.slice(0, 12)}`;
        expect(res.status, label).toBe(401);
        expect(res.headers.get('www-authenticate'), label).toMatch(/^Bearer error="invalid_token"/);
        expect(res.headers.get('cache-control'), label).toBe('no-store');
        expect(await res.json(), label).toMatchObject({ status: 401, code: 'invalid_token' });
      }
    }
  });

  it('answers the public routes as before with no token, and with a valid token of either kind', async () => {
    // Another scheme is not a token of ours: the route decides (a gateway may sign its webhook so).
    const basic = `Basic ${Buffer.from('provider-public:secret').toString('base64')}`;
    for (const authorization of [undefined, `Bearer ${citizen.access}`, `Bearer ${clientToken}`, basic]) {
      for (const { method, path, body } of PUBLIC_CALLS) {
        const res = await call(path, authorization, method, body);
        const label = `${method} ${path} ${authorization ? `with ${authorization.slice(0, 12)}` : 'without one'}`;
        // The route's own answer: the receipt check finds no receipt, the unsigned webhook is refused.
        const expected = path.startsWith('/receipts') ? 404 : path.startsWith('/gateway') ? 400 : 200;
        expect(res.status, label).toBe(expected);
      }
    }
  });

  it('marks a public answer as varying with Authorization, so a cache never answers a bad token from a good copy', async () => {
    const res = await call('/billers', `Bearer ${clientToken}`);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('vary')).toMatch(/authorization/i);
  });

  it('documents public operations as optional security that takes either kind of token, and their 401', async () => {
    const document = (await (await call('/openapi.json')).json()) as Document;
    for (const [path, method] of [
      ['/billers', 'get'],
      ['/billers/{billerId}', 'get'],
      ['/receipts/verify', 'get'],
      ['/gateway/webhooks', 'post'],
    ] as const) {
      const operation = document.paths[path]?.[method] as Operation;
      // `{}` among the requirements: no token at all also satisfies it (OpenAPI 3.1 §4.8.10).
      expect(operation.security, path).toEqual([{}, { bearer: [] }, { idp: [] }]);
      expect(operation['x-token-kinds'], path).toEqual(['citizen', 'client']);
      expect(operation['x-token-required'], path).toBe(false);
      expect(operation.description, path).toMatch(/^Public: no access token needed\. A token, if sent, must be valid/);
      expect(operation.responses['401']?.description, path).toMatch(/invalid_token/);
    }
    expect(document.paths['/accounts']?.get?.['x-token-required']).toBe(true);
    expect(document.info.description).toMatch(/a token sent to them is checked/);
  });
});

describe('the bills:read scope says what it allows', () => {
  it("says the same as the idp's consent page, and no longer offers the biller directory, which is public", () => {
    const consent = JSON.parse(readFileSync(new URL('../../idp/locales/en.json', import.meta.url), 'utf8')).consent
      .scope.billsRead as string;
    const hub = API_SCOPES['bills:read'];
    expect(hub).not.toMatch(/billers/i);
    expect(`${consent[0]?.toUpperCase()}${consent.slice(1)}.`).toBe(hub);
  });
});
