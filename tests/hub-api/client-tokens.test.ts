import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../idp/support/browser.js';
import { login, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';
import { machineClient, machineToken } from './machine-client.js';
import { startTestHub, type TestHub } from './test-hub.js';

interface Operation {
  operationId?: string;
  description: string;
  'x-token-kinds': string[];
  security: Record<string, string[]>[];
}
type Document = {
  paths: Record<string, Record<string, Operation>>;
  info: { description: string };
  components: { securitySchemes: { idp: { flows: Record<string, { tokenUrl: string; scopes: object }> } } };
};

/** The idp's client credentials tokens at the hub: what they may read, and where they are refused. */
describe("machine clients' own tokens at the hub", () => {
  const bulk = machineClient('provider-bulk');
  let idp: TestIdp;
  let hub: TestHub;
  let clientToken: string;
  let citizenToken: string;
  let document: Document;

  const call = (path: string, token?: string, method = 'GET') =>
    fetch(`${hub.url}/api/v1${path}`, {
      method,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  beforeAll(async () => {
    idp = await startTestIdp({ ...bulk.env, OTP_SENDS_PER_IP_PER_HOUR: '1000' }, { extraClients: [bulk.entry] });
    hub = await startTestHub(idp.issuer, HUB_API);
    clientToken = await machineToken(idp, bulk, 'billers:read');
    const hubRp = await relyingParty(idp, idp.hub);
    citizenToken = (
      await login(idp, new Browser([idp.hub.redirectUri]), hubRp, idp.hub, {
        identifier: 'client.tokens@example.org',
        scope: 'openid bills:read accounts:write payments:read payments:write',
        resource: HUB_API,
      })
    ).tokens.access_token;
    document = (await (await call('/openapi.json')).json()) as Document;
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it("reads the biller directory with a client's own token, as with a citizen's or none", async () => {
    for (const token of [clientToken, citizenToken, undefined]) {
      const list = await call('/billers', token);
      expect(list.status).toBe(200);
      expect(((await list.json()) as { billers: unknown[] }).billers.length).toBeGreaterThan(0);
      expect((await call('/billers/state-electricity', token)).status).toBe(200);
    }
  });

  it("refuses a client's own token on /accounts with a 403 wrong_token_kind problem, and a citizen's passes", async () => {
    const refused = await call('/accounts', clientToken);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await refused.json()).toMatchObject({ status: 403, code: 'wrong_token_kind' });
    expect((await call('/accounts', citizenToken)).status).toBe(200);
  });

  it("refuses a client's own token on every operation documented for citizens' tokens only", async () => {
    const citizenOnly = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, op]) => op['x-token-kinds'].join() === 'citizen')
        .map(([method, op]) => ({ method, path, op })),
    );
    // Accounts, dues, a bill look-up, checkouts, payments, sync and receipts.
    expect(citizenOnly.length).toBeGreaterThanOrEqual(11);
    for (const { method, path, op } of citizenOnly) {
      const res = await call(path.replace(/\{\w+\}/g, 'state-electricity'), clientToken, method.toUpperCase());
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.json(), `${method} ${path}`).toMatchObject({ code: 'wrong_token_kind' });
      expect(op.description).toMatch(/citizen's token/);
    }
  });

  it('documents which token kinds each operation accepts and the client credentials flow', async () => {
    const billers = document.paths['/billers']?.get as Operation;
    // Public: either kind of token, or none (the empty requirement).
    expect(billers['x-token-kinds']).toEqual(['citizen', 'client']);
    expect(billers.security).toContainEqual({});
    expect(billers.description).toMatch(/^Public/);
    expect(document.paths['/accounts']?.get?.['x-token-kinds']).toEqual(['citizen']);
    const flows = document.components.securitySchemes.idp.flows;
    expect(flows.clientCredentials).toEqual({
      tokenUrl: `${idp.issuer}/token`,
      scopes: {
        'billers:read': expect.any(String),
        'demands:write': expect.any(String),
        'demands:read': expect.any(String),
      },
    });
    expect(Object.keys(flows.authorizationCode?.scopes ?? {})).not.toContain('billers:read');
    expect(document.info.description).toContain('grant_type=client_credentials');
    expect(document.info.description).toContain('wrong_token_kind');
  });
});
