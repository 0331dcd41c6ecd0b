import { createRemoteJWKSet, decodeJwt, type JWTPayload, jwtVerify } from 'jose';
import type * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRoles } from '../../idp/roles/index.js';
import { machineClient, machineToken } from '../hub-api/machine-client.js';
import { Browser } from './support/browser.js';
import { login, relyingParty } from './support/relying-party.js';
import { exampleClients, roleProblemsOf, rolesFile } from './support/roles-file.js';
import { HUB_API, startTestIdp, type TestIdp } from './support/test-idp.js';

const MEMBER = '+919800000011';
const PROVIDER_SCOPES = 'openid provider demands:read demands:write';
const CLAIMS_IN_ID_TOKEN = JSON.stringify({ id_token: { provider_id: null, provider_name: null } });

const CLIENTS = [
  { client_id: 'partner-portal', grant_types: ['authorization_code', 'refresh_token'] },
  { client_id: 'bulk-api', grant_types: ['client_credentials'] },
  { client_id: 'hub-portal', grant_types: ['authorization_code', 'refresh_token'] },
];

const problemsOf = (content: unknown) => roleProblemsOf(content, CLIENTS);

describe('the roles file is checked at start with a clear message per problem', () => {
  it('accepts the example file against the example clients', async () => {
    const clients = exampleClients();
    const organisations = loadRoles('idp/roles.example.json', clients);
    expect(
      organisations.providerOfAccount({ phone: '+919800000001', phoneVerified: true, emailVerified: false }),
    ).toEqual({ id: 'city-halls', name: 'City Community Halls' });
    expect(organisations.providerOfClient('provider-bulk-api')?.id).toBe('city-halls');
    expect(organisations.isProviderPortal('partner-portal')).toBe(true);
  });

  it('names a member that is neither an E.164 phone nor an email, a missing client and a person in two organisations', () => {
    const problems = problemsOf({
      roles: { provider: { portals: ['partner-portal', 'no-such-portal'] } },
      organisations: [
        { role: 'provider', id: 'halls', name: 'Halls', members: ['98000 00011', MEMBER], clients: ['bulk-api'] },
        { role: 'provider', id: 'society', name: 'Society', members: [MEMBER], clients: ['ghost', 'hub-portal'] },
      ],
    });
    expect(problems.join('\n')).toContain('98000 00011 is not a phone number in E.164');
    expect(problemsOf({ organisations: [{ role: 'auditor', id: 'ops', name: 'Ops' }] }).join()).toMatch(/role/);
    // The schema's problems come first; the cross-checks need a file that reads.
    const crossed = problemsOf({
      roles: { provider: { portals: ['partner-portal', 'no-such-portal', 'bulk-api'] } },
      organisations: [
        { role: 'provider', id: 'halls', name: 'Halls', members: [MEMBER], clients: ['bulk-api'] },
        {
          role: 'provider',
          id: 'society',
          name: 'Society',
          members: [MEMBER],
          clients: ['ghost', 'hub-portal', 'bulk-api'],
        },
      ],
    });
    expect(crossed).toEqual(
      expect.arrayContaining([
        expect.stringContaining('no-such-portal is not a client of the clients file'),
        expect.stringContaining('bulk-api does not sign people in'),
        expect.stringContaining(`${MEMBER} is already a member of halls`),
        expect.stringContaining('client ghost is not in the clients file'),
        expect.stringContaining('client hub-portal has no client_credentials grant'),
        expect.stringContaining('client bulk-api already acts for halls'),
      ]),
    );
    for (const problem of crossed) expect(problem).toMatch(/^IDP_ROLES_FILE /);
  });

  it('without a roles file nobody is a member and no client acts for a provider', () => {
    const organisations = loadRoles(undefined, CLIENTS);
    expect(organisations.providerOfAccount({ phone: MEMBER, phoneVerified: true, emailVerified: false })).toBe(
      undefined,
    );
    expect(organisations.isProviderPortal('partner-portal')).toBe(false);
  });
});

describe('provider claims and demand scopes from the idp', () => {
  const bulk = machineClient('halls-bulk-api', ['demands:write', 'demands:read']);
  const other = machineClient('other-bulk-api', ['demands:write', 'demands:read']);
  let idp: TestIdp;
  let partnerRp: oidc.Configuration;
  let hubRp: oidc.Configuration;
  let roles: { file: string; remove: () => void };
  let verifyHubToken: (token: string) => Promise<JWTPayload>;
  const browserFor = () => new Browser([idp.hub.redirectUri, idp.partner.redirectUri]);

  beforeAll(async () => {
    roles = rolesFile({
      roles: { provider: { portals: ['partner-portal'] } },
      organisations: [
        { role: 'provider', id: 'city-halls', name: 'City Community Halls', members: [MEMBER], clients: [bulk.id] },
      ],
    });
    idp = await startTestIdp(
      { OTP_SENDS_PER_IP_PER_HOUR: '1000', IDP_ROLES_FILE: roles.file, ...bulk.env, ...other.env },
      { extraClients: [bulk.entry, other.entry] },
    );
    partnerRp = await relyingParty(idp, idp.partner);
    hubRp = await relyingParty(idp, idp.hub);
    const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/jwks`));
    verifyHubToken = async (token) =>
      (await jwtVerify(token, jwks, { issuer: idp.issuer, audience: HUB_API, typ: 'at+jwt' })).payload;
  });
  afterAll(async () => {
    await idp?.close();
    roles?.remove();
  });

  it('publishes the provider scope and its two claims in discovery', async () => {
    const metadata = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as {
      scopes_supported: string[];
      claims_supported: string[];
    };
    expect(metadata.scopes_supported).toContain('provider');
    expect(metadata.claims_supported).toEqual(expect.arrayContaining(['provider_id', 'provider_name']));
  });

  it('a member signing in at the provider portal gets provider_id and provider_name in the ID token and a hub token with the demand scopes naming the provider', async () => {
    const { tokens } = await login(idp, browserFor(), partnerRp, idp.partner, {
      identifier: '98000 00011',
      to: MEMBER,
      name: 'Hall Clerk',
      scope: PROVIDER_SCOPES,
      resource: HUB_API,
      extra: { claims: CLAIMS_IN_ID_TOKEN },
    });
    const idToken = decodeJwt(tokens.id_token as string);
    expect(idToken).toMatchObject({ provider_id: 'city-halls', provider_name: 'City Community Halls' });
    const access = await verifyHubToken(tokens.access_token);
    expect(String(access.scope).split(' ').sort()).toEqual(['demands:read', 'demands:write']);
    expect(access).toMatchObject({
      provider_id: 'city-halls',
      provider_name: 'City Community Halls',
      sub: idToken.sub,
    });
    expect(access.gty).toBeUndefined();
  });

  it('a person who is not a member gets no provider claims and no demand scope from the provider portal', async () => {
    const { tokens } = await login(idp, browserFor(), partnerRp, idp.partner, {
      identifier: '98000 00099',
      to: '+919800000099',
      name: 'Not A Member',
      scope: PROVIDER_SCOPES,
      resource: HUB_API,
      extra: { claims: CLAIMS_IN_ID_TOKEN },
    });
    const idToken = decodeJwt(tokens.id_token as string);
    expect(idToken.provider_id).toBeUndefined();
    expect(idToken.provider_name).toBeUndefined();
    const access = await verifyHubToken(tokens.access_token);
    expect(String(access.scope ?? '')).not.toMatch(/demands/);
    expect(access.provider_id).toBeUndefined();
  });

  it('a client that is not a provider portal learns no organisation, and gets no demand scope, even for a member', async () => {
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, {
      identifier: '98000 00011',
      to: MEMBER,
      scope: `${PROVIDER_SCOPES} bills:read`,
      resource: HUB_API,
      extra: { claims: CLAIMS_IN_ID_TOKEN },
    });
    expect(decodeJwt(tokens.id_token as string).provider_id).toBeUndefined();
    const access = await verifyHubToken(tokens.access_token);
    expect(access.scope).toBe('bills:read');
    expect(access.provider_id).toBeUndefined();
  });

  it('a client-credentials token of a client acting for a provider names it; another client gets no provider claims', async () => {
    const scope = 'demands:write demands:read';
    const token = await verifyHubToken(await machineToken(idp, bulk, scope));
    expect(token).toMatchObject({
      gty: 'client_credentials',
      sub: bulk.id,
      provider_id: 'city-halls',
      provider_name: 'City Community Halls',
    });
    const otherToken = await verifyHubToken(await machineToken(idp, other, scope));
    expect(otherToken.provider_id).toBeUndefined();
    expect(otherToken.client_name).toBe(`Machine ${other.id}`);
  });
});
