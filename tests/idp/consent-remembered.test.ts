import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from './support/browser.js';
import { signInNoting } from './support/consent-walk.js';
import { relyingParty } from './support/relying-party.js';
import { HUB_API, startTestIdp, type TestClient, type TestIdp } from './support/test-idp.js';

const SEE_NAME = 'see your name';
const SEE_EMAIL = 'see your email address and whether it is verified';
const KNOW_WHO = 'know who you are each time you sign in';

describe('a third-party consent remembered across sessions', () => {
  const publicApp: TestClient = {
    id: 'public-partner-app',
    secret: '',
    redirectUri: 'http://127.0.0.1:9/public-partner-app/callback',
    postLogoutRedirectUri: 'http://127.0.0.1:9/public-partner-app/',
  };
  let idp: TestIdp;
  let partnerRp: oidc.Configuration;
  let hubRp: oidc.Configuration;
  let publicRp: oidc.Configuration;
  /** A new browser is a new idp session: nothing but the consent record links it to the last one. */
  const newBrowser = () => new Browser([idp.hub.redirectUri, idp.partner.redirectUri, publicApp.redirectUri]);

  beforeAll(async () => {
    idp = await startTestIdp(
      { OTP_SENDS_PER_IP_PER_HOUR: '1000', OTP_SENDS_PER_IDENTIFIER_PER_HOUR: '100' },
      {
        extraClients: [
          {
            client_id: publicApp.id,
            client_name: 'Public Partner App',
            token_endpoint_auth_method: 'none',
            redirect_uris: [publicApp.redirectUri],
          },
        ],
      },
    );
    partnerRp = await relyingParty(idp, idp.partner);
    hubRp = await relyingParty(idp, idp.hub);
    publicRp = await oidc.discovery(new URL(idp.issuer), publicApp.id, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
  });
  afterAll(() => idp?.close());

  it('a third-party client is not asked for consent again in a new session', async () => {
    const identifier = 'remembered@example.org';
    const scope = 'openid profile email';
    const first = await signInNoting(idp, newBrowser(), partnerRp, idp.partner, { identifier, scope });
    expect(first.consents).toEqual([[KNOW_WHO, SEE_NAME, SEE_EMAIL]]);

    const again = await signInNoting(idp, newBrowser(), partnerRp, idp.partner, { identifier, scope });
    expect(again.consents).toEqual([]);
    expect(again.tokens.claims()?.sub).toBe(first.tokens.claims()?.sub);
    // The new session's tokens carry what was allowed before.
    const info = await oidc.fetchUserInfo(partnerRp, again.tokens.access_token, again.tokens.claims()?.sub as string);
    expect(info).toMatchObject({ name: 'Consenting Citizen', email: identifier });
  });

  it('a client asking for less than it was allowed is not asked either, and gets only what it asked for', async () => {
    const identifier = 'asks.less@example.org';
    await signInNoting(idp, newBrowser(), partnerRp, idp.partner, { identifier, scope: 'openid profile email' });
    const less = await signInNoting(idp, newBrowser(), partnerRp, idp.partner, { identifier, scope: 'openid profile' });
    expect(less.consents).toEqual([]);
    const info = await oidc.fetchUserInfo(partnerRp, less.tokens.access_token, less.tokens.claims()?.sub as string);
    expect(info.name).toBe('Consenting Citizen');
    expect(info.email).toBeUndefined();
  });

  it('asking for a new scope shows consent for only that scope, and then remembers both', async () => {
    const identifier = 'new.scope@example.org';
    const first = await signInNoting(idp, newBrowser(), partnerRp, idp.partner, {
      identifier,
      scope: 'openid profile',
    });
    expect(first.consents).toEqual([[KNOW_WHO, SEE_NAME]]);

    const more = await signInNoting(idp, newBrowser(), partnerRp, idp.partner, {
      identifier,
      scope: 'openid profile email',
    });
    expect(more.consents).toEqual([[SEE_EMAIL]]);

    const third = await signInNoting(idp, newBrowser(), partnerRp, idp.partner, {
      identifier,
      scope: 'openid profile email',
    });
    expect(third.consents).toEqual([]);
  });

  it('asking for a hub API scope shows consent for only that scope, and the token carries it', async () => {
    const identifier = 'new.resource@example.org';
    await signInNoting(idp, newBrowser(), partnerRp, idp.partner, { identifier, scope: 'openid' });
    const walk = await signInNoting(idp, newBrowser(), partnerRp, idp.partner, {
      identifier,
      scope: 'openid bills:read',
      extra: { resource: HUB_API },
    });
    expect(walk.consents).toEqual([
      ['look up a bill by consumer number, and see your saved accounts and what is due on them'],
    ]);
    expect(walk.tokens.scope?.split(' ')).toContain('bills:read');

    const again = await signInNoting(idp, newBrowser(), partnerRp, idp.partner, {
      identifier,
      scope: 'openid bills:read',
      extra: { resource: HUB_API },
    });
    expect(again.consents).toEqual([]);
    expect(again.tokens.scope?.split(' ')).toContain('bills:read');
  });

  it('prompt=consent asks again for everything the client asks for', async () => {
    const identifier = 'prompted@example.org';
    const scope = 'openid profile';
    await signInNoting(idp, newBrowser(), partnerRp, idp.partner, { identifier, scope });
    const prompted = await signInNoting(idp, newBrowser(), partnerRp, idp.partner, {
      identifier,
      scope,
      extra: { prompt: 'consent' },
    });
    expect(prompted.consents).toEqual([[KNOW_WHO, SEE_NAME]]);
  });

  it('a silent sign-in (prompt=none) of a remembered client in a new session succeeds', async () => {
    const identifier = 'silent@example.org';
    await signInNoting(idp, newBrowser(), partnerRp, idp.partner, { identifier, scope: 'openid' });
    // A new session through the first-party hub (no consent there), then the partner with prompt=none.
    const browser = newBrowser();
    await signInNoting(idp, browser, hubRp, idp.hub, { identifier });
    const silent = await signInNoting(idp, browser, partnerRp, idp.partner, {
      identifier,
      scope: 'openid',
      extra: { prompt: 'none' },
    });
    expect(silent.consents).toEqual([]);
  });

  it('a public third-party client (no secret) is asked again in every new session', async () => {
    const identifier = 'public.app@example.org';
    const first = await signInNoting(idp, newBrowser(), publicRp, publicApp, { identifier, scope: 'openid profile' });
    expect(first.consents).toEqual([[KNOW_WHO, SEE_NAME]]);
    const again = await signInNoting(idp, newBrowser(), publicRp, publicApp, { identifier, scope: 'openid profile' });
    expect(again.consents).toEqual([[KNOW_WHO, SEE_NAME]]);
    expect(await idp.service.mongo.collection('consents').countDocuments({ clientId: publicApp.id })).toBe(0);
  });

  it('the first-party hub is never asked and keeps no consent record', async () => {
    const walk = await signInNoting(idp, newBrowser(), hubRp, idp.hub, { identifier: 'hub.only@example.org' });
    expect(walk.consents).toEqual([]);
    expect(await idp.service.mongo.collection('consents').countDocuments({ clientId: idp.hub.id })).toBe(0);
  });
});
