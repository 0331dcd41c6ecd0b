import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_CLAIMS_REQUEST } from '../../operator-console/oidc/operator-relying-party.js';
import { callHubApi, startTestHub, type TestHub } from '../hub-api/test-hub.js';
import { Browser } from '../idp/support/browser.js';
import { login, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestClient, type TestIdp } from '../idp/support/test-idp.js';
import { appCode, enrolApp } from '../operator-console/support/console-stack.js';

const OPERATOR = 'ops.hub@example.org';
const MEMBER = '+919800000041';
const CODE_AND_APP = 'urn:citizen-billpay:acr:code-and-app';

/** Operators' tokens from a real idp sign-in at an operator console, at the hub's operator routes. */
describe("an operator's hub token from a real idp sign-in", () => {
  let idp: TestIdp;
  let hub: TestHub;
  let dir: string;
  const consoleClient: TestClient = {
    id: 'operator-console',
    secret: randomBytes(32).toString('base64url'),
    redirectUri: 'http://127.0.0.1:9/operator-console/callback',
    postLogoutRedirectUri: 'http://127.0.0.1:9/operator-console/',
  };
  let operatorTokens: Awaited<ReturnType<typeof login>>['tokens'];
  let citizenToken: string;
  let memberToken: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roles-'));
    const rolesFile = join(dir, 'roles.json');
    writeFileSync(
      rolesFile,
      JSON.stringify({
        roles: { provider: { portals: ['partner-portal'] }, operator: { consoles: [consoleClient.id] } },
        organisations: [
          { role: 'provider', id: 'city-halls', name: 'City Community Halls', members: [MEMBER] },
          { role: 'operator', id: 'billpay-ops', name: 'BillPay Operations', members: [OPERATOR] },
        ],
      }),
    );
    idp = await startTestIdp(
      {
        OTP_SENDS_PER_IP_PER_HOUR: '1000',
        OTP_SENDS_PER_IDENTIFIER_PER_HOUR: '100',
        IDP_ROLES_FILE: rolesFile,
        TEST_CONSOLE_SECRET: consoleClient.secret,
      },
      {
        extraClients: [
          {
            client_id: consoleClient.id,
            client_secret_env: 'TEST_CONSOLE_SECRET',
            redirect_uris: [consoleClient.redirectUri],
            post_logout_redirect_uris: [consoleClient.postLogoutRedirectUri],
            first_party: true,
            require_pkce: true,
          },
        ],
      },
    );
    hub = await startTestHub(idp.issuer, HUB_API);
    const browser = new Browser([consoleClient.redirectUri, `${idp.issuer}/account?iss=`]);
    const secret = await enrolApp(idp, browser, OPERATOR, 'Asha Operator');
    operatorTokens = (
      await login(idp, browser, await relyingParty(idp, consoleClient), consoleClient, {
        identifier: OPERATOR,
        totp: () => appCode(secret, 1),
        scope: 'openid profile email operator ops:read ops:write',
        resource: HUB_API,
        extra: { claims: OPERATOR_CLAIMS_REQUEST },
      })
    ).tokens;
    citizenToken = (
      await login(idp, new Browser([idp.hub.redirectUri]), await relyingParty(idp, idp.hub), idp.hub, {
        identifier: 'citizen.ops@example.org',
        scope: 'openid payments:read',
        resource: HUB_API,
      })
    ).tokens.access_token;
    memberToken = (
      await login(idp, new Browser([idp.partner.redirectUri]), await relyingParty(idp, idp.partner), idp.partner, {
        identifier: MEMBER,
        name: 'Hall Clerk',
        scope: 'openid provider demands:read',
        resource: HUB_API,
      })
    ).tokens.access_token;
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('names the operator role, the team and the app level, carries ops:read and ops:write, and is accepted at an operator route', async () => {
    const claims = decodeJwt(operatorTokens.access_token);
    expect(claims).toMatchObject({ roles: ['operator'], operator_team: 'BillPay Operations', acr: CODE_AND_APP });
    expect(String(claims.scope).split(' ')).toEqual(expect.arrayContaining(['ops:read', 'ops:write']));
    const idToken = decodeJwt(operatorTokens.id_token as string);
    expect(idToken).toMatchObject({ roles: ['operator'], operator_team: 'BillPay Operations', acr: CODE_AND_APP });
    const res = await callHubApi(hub, '/operator/payments', operatorTokens.access_token);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ payments: [] });
  });

  it("an operator without the role is refused: a citizen's token and a provider member's on an operator route are 403 wrong_token_kind", async () => {
    for (const token of [citizenToken, memberToken]) {
      const res = await callHubApi(hub, '/operator/payments', token);
      expect(res.status).toBe(403);
      const problem = (await res.json()) as { code: string; detail: string };
      expect(problem.code).toBe('wrong_token_kind');
      expect(problem.detail).toContain('operator');
    }
    expect(decodeJwt(citizenToken).roles).toBeUndefined();
    expect(decodeJwt(memberToken).scope).not.toContain('ops:');
  });

  it('a person who is not an operator gets no operator claims or ops scopes even at the operator console', async () => {
    const { tokens } = await login(
      idp,
      new Browser([consoleClient.redirectUri]),
      await relyingParty(idp, consoleClient),
      consoleClient,
      {
        identifier: 'not.an.operator@example.org',
        scope: 'openid operator ops:read ops:write',
        resource: HUB_API,
        extra: { claims: OPERATOR_CLAIMS_REQUEST },
      },
    );
    const claims = decodeJwt(tokens.access_token);
    expect(claims.roles).toBeUndefined();
    expect(String(claims.scope ?? '')).not.toContain('ops:');
    const res = await callHubApi(hub, '/operator/payments', tokens.access_token);
    expect(res.status).toBe(403);
  });
});
