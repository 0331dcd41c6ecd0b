import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokens } from '../../hub/api/access-token.js';
import { problemResponses } from '../../infra/http/problem.js';

const ISSUER = 'http://idp.test';
const AUDIENCE = 'http://hub.test/api';

/**
 * The hub's token check alone, against a JWKS of the test's own key: tokens an idp could sign but
 * ours never does for an operator (a sign-in without the authenticator app).
 */
describe("the hub's operator token check", () => {
  let jwks: Server;
  let hub: Server;
  let hubUrl = '';
  let sign: (claims: Record<string, unknown>) => Promise<string>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
    );
    jwks.listen(0, '127.0.0.1');
    await once(jwks, 'listening');
    const tokens = accessTokens({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
    });
    const app = new Koa();
    app.use(problemResponses());
    app.use(tokens.requireAccess(['operator'], ['ops:read']));
    app.use((ctx) => {
      ctx.body = { kind: ctx.state.caller?.kind, label: ctx.state.caller?.label };
    });
    hub = app.listen(0, '127.0.0.1');
    await once(hub, 'listening');
    hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
    sign = (claims) =>
      new SignJWT({ client_id: 'operator-console', scope: 'ops:read ops:write', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'at+jwt' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject('operator-sub-1')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
  });
  afterAll(async () => {
    hub?.close();
    jwks?.close();
  });

  const call = async (token: string) => {
    const res = await fetch(hubUrl, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
      challenge: res.headers.get('www-authenticate'),
    };
  };

  it('accepts an operator token with acr code-and-app, labelled with the masked phone', async () => {
    const answer = await call(
      await sign({ roles: ['operator'], acr: 'urn:citizen-billpay:acr:code-and-app', phone_number: '+919800000009' }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ kind: 'operator', label: '+91 ******0009' });
  });

  it('refuses an operator token without the authenticator app level: 401 insufficient_user_authentication naming the level', async () => {
    for (const acr of ['urn:citizen-billpay:acr:code', undefined]) {
      const answer = await call(await sign({ roles: ['operator'], ...(acr ? { acr } : {}) }));
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('insufficient_user_authentication');
      expect(String(answer.body.detail)).toContain('authenticator app');
      expect(answer.challenge).toContain('error="insufficient_user_authentication"');
      expect(answer.challenge).toContain('acr_values="urn:citizen-billpay:acr:code-and-app"');
    }
  });

  it('refuses a token that names an operator and a provider at once', async () => {
    const answer = await call(
      await sign({ roles: ['operator'], acr: 'urn:citizen-billpay:acr:code-and-app', provider_id: 'city-halls' }),
    );
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('invalid_token');
  });

  it("a citizen's token (no operator role) at an operator route is 403 wrong_token_kind", async () => {
    const answer = await call(await sign({ roles: ['citizen'], acr: 'urn:citizen-billpay:acr:code-and-app' }));
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('wrong_token_kind');
  });
});
