import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokens } from '../../hub/api/access-token.js';
import type { RouteSpec } from '../../hub/api/route-spec.js';
import { v1Router } from '../../hub/api/v1-router.js';
import { problemResponses } from '../../infra/http/problem.js';

const ISSUER = 'http://127.0.0.1:9/idp';
const AUDIENCE = 'http://127.0.0.1:9/api';

/**
 * The hub's token checks against tokens this test signs itself (its own JWKS), so it can make
 * the idp's two kinds and the malformed mixtures the idp never issues; and routes of every kind,
 * including a client-only one that the hub does not have yet.
 */
describe("the hub tells citizens' tokens from clients' own tokens", () => {
  let server: Server;
  let url: string;
  let sign: (claims: JWTPayload) => Promise<string>;

  const route = (path: string, access: Pick<RouteSpec, 'scopes' | 'callers'>): RouteSpec =>
    ({
      method: 'get',
      path,
      summary: path,
      ...access,
      handler: (ctx) => ({ kind: ctx.state.caller?.kind, sub: ctx.state.caller?.sub, citizen: ctx.state.citizen?.sub }),
    }) as RouteSpec;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    sign = ({ aud = AUDIENCE, exp = '10m', ...claims }) =>
      new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'at+jwt' })
        .setIssuer(ISSUER)
        .setAudience(aud)
        .setIssuedAt()
        .setExpirationTime(exp as string | number)
        .sign(privateKey);
    // The API is made once the port (and so the JWKS URL) is known; Koa composes before listening.
    let api: Koa.Middleware = async (_ctx, next) => next();
    const app = new Koa();
    app.use(problemResponses());
    app.use(async (ctx, next) => {
      if (ctx.path === '/jwks') ctx.body = { keys: [jwk] };
      else await api(ctx, next);
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const tokens = accessTokens({ issuer: ISSUER, audience: AUDIENCE, jwksUrl: `${url}/jwks` });
    const routes = [
      route('/citizen-only', { scopes: ['bills:read'], callers: ['citizen'] }),
      route('/client-only', { scopes: ['billers:read'], callers: ['client'] }),
      route('/either', { scopes: [], callers: ['citizen', 'client'] }),
      route('/public', { scopes: null }),
    ];
    api = v1Router(routes, tokens, url).routes() as unknown as Koa.Middleware;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const citizen = (extra: JWTPayload = {}) =>
    sign({ sub: 'acct-1', client_id: 'hub-portal', scope: 'bills:read', ...extra });
  const client = (extra: JWTPayload = {}) =>
    sign({
      sub: 'provider-bulk',
      client_id: 'provider-bulk',
      scope: 'billers:read',
      gty: 'client_credentials',
      ...extra,
    });
  const call = async (path: string, token?: string) => {
    const res = await fetch(`${url}/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: (await res.json()) as Record<string, unknown>,
    };
  };

  it("a client's own token on a citizen's route is a 403 wrong_token_kind problem, not an insufficient_scope", async () => {
    const answer = await call('/citizen-only', await client({ scope: 'billers:read bills:read' }));
    expect(answer.status).toBe(403);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status: 403, code: 'wrong_token_kind' });
    expect(String(answer.body.detail)).toMatch(/citizen/);
  });

  it("a citizen's token on a client's route is a 403 wrong_token_kind problem", async () => {
    const answer = await call('/client-only', await citizen());
    expect(answer).toMatchObject({ status: 403, body: { code: 'wrong_token_kind' } });
    expect(String(answer.body.detail)).toMatch(/client credentials/);
  });

  it('each kind passes where it is accepted, and only a citizen is set as ctx.state.citizen', async () => {
    expect(await call('/citizen-only', await citizen())).toMatchObject({
      status: 200,
      body: { kind: 'citizen', sub: 'acct-1', citizen: 'acct-1' },
    });
    const asClient = await call('/client-only', await client());
    expect(asClient).toMatchObject({ status: 200, body: { kind: 'client', sub: 'provider-bulk' } });
    expect(asClient.body).not.toHaveProperty('citizen');
    expect(await call('/either', await citizen())).toMatchObject({ status: 200, body: { kind: 'citizen' } });
    expect(await call('/either', await client())).toMatchObject({ status: 200, body: { kind: 'client' } });
  });

  it('a client token without the route scope is still a 403 insufficient_scope', async () => {
    expect(await call('/client-only', await client({ scope: undefined }))).toMatchObject({
      status: 403,
      body: { code: 'insufficient_scope' },
    });
  });

  it('a token whose kind marks disagree is a 401 invalid_token, never taken for either kind', async () => {
    for (const token of [
      // Marked as a client's token, but for a citizen's subject.
      await client({ sub: 'acct-1' }),
      // Unmarked, yet its subject is its client: a client's token without the mark.
      await sign({ sub: 'provider-bulk', client_id: 'provider-bulk', scope: 'bills:read' }),
      // A grant the hub does not know.
      await client({ gty: 'password' }),
    ]) {
      for (const path of ['/citizen-only', '/client-only', '/either']) {
        const answer = await call(path, token);
        expect(answer, path).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
      }
    }
  });

  it('a public route refuses an expired token, or one for another API, with 401 invalid_token, and needs none', async () => {
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    for (const token of [
      await citizen({ exp: hourAgo }),
      await client({ exp: hourAgo }),
      await citizen({ aud: 'http://127.0.0.1:9/another-api' }),
    ]) {
      expect(await call('/public', token)).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
    }
    expect(await call('/public')).toMatchObject({ status: 200, body: {} });
  });

  it('a public route takes a valid token of either kind, whatever its scopes, and knows its caller', async () => {
    expect(await call('/public', await citizen({ scope: undefined }))).toMatchObject({
      status: 200,
      body: { kind: 'citizen', citizen: 'acct-1' },
    });
    expect(await call('/public', await client())).toMatchObject({ status: 200, body: { kind: 'client' } });
  });
});
