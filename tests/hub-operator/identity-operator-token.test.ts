import { decodeJwt } from 'jose';
import { refreshTokenGrant } from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_CLAIMS_REQUEST } from '../../operator-console/oidc/operator-relying-party.js';
import { callHubApi, startTestHub, type TestHub } from '../hub-api/test-hub.js';
import { Browser } from '../idp/support/browser.js';
import { accessTokenAt, login, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API } from '../idp/support/test-idp.js';
import { type OperatorIdp, operatorLogin, startOperatorIdp } from '../operator-console/support/operator-idp.js';

const OPERATOR = 'ops.hub@example.org';
const MEMBER = '+919800000041';
const CODE_AND_APP = 'urn:citizen-billpay:acr:code-and-app';

/** Operators' tokens from a real idp sign-in at an operator console, at the hub's operator routes. */
describe("an operator's hub token from a real idp sign-in", () => {
  let roles: OperatorIdp;
  let hub: TestHub;
  let operatorTokens: Awaited<ReturnType<typeof operatorLogin>>;
  let citizenToken: string;
  let memberToken: string;

  beforeAll(async () => {
    roles = await startOperatorIdp([OPERATOR], [MEMBER]);
    const { idp } = roles;
    hub = await startTestHub(idp.issuer, HUB_API);
    operatorTokens = await operatorLogin(roles, OPERATOR, 'Asha Operator');
    citizenToken = await accessTokenAt(idp, idp.hub, {
      identifier: 'citizen.ops@example.org',
      scope: 'openid payments:read',
      resource: HUB_API,
    });
    memberToken = await accessTokenAt(idp, idp.partner, {
      identifier: MEMBER,
      name: 'Hall Clerk',
      scope: 'openid provider demands:read',
      resource: HUB_API,
    });
  });
  afterAll(async () => {
    await hub?.close();
    await roles?.close();
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

  it('keeps the role, team and app level in the hub token the refresh token gives', async () => {
    const { idp, console: client } = roles;
    const rp = await relyingParty(idp, client);
    expect(operatorTokens.refresh_token).toBeDefined();
    const refreshed = await refreshTokenGrant(rp, operatorTokens.refresh_token as string, { resource: HUB_API });
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ roles: ['operator'], acr: CODE_AND_APP });
    const res = await callHubApi(hub, '/operator/payments', refreshed.access_token);
    expect(res.status).toBe(200);
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
    const { idp, console: consoleClient } = roles;
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
