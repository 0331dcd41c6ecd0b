import type * as oidc from 'openid-client';
import { generateSync } from 'otplib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACR_CODE, ACR_CODE_AND_APP } from '../../idp/provider/acr.js';
import { Browser } from './support/browser.js';
import {
  authorizationRequest,
  completeInteraction,
  exchangeCode,
  login,
  relyingParty,
  title,
} from './support/relying-party.js';
import { startTestIdp, type TestIdp } from './support/test-idp.js';

/** The authenticator's code `offsetSteps` 30 s steps from now (enrolment uses step 0). */
const codeAt = (secret: string, offsetSteps: number) =>
  generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

const essentialAcr = (...values: string[]) => JSON.stringify({ id_token: { acr: { essential: true, values } } });

describe('authentication levels (acr) and methods (amr)', () => {
  let idp: TestIdp;
  let hubRp: oidc.Configuration;
  // The account page's own sign-in comes back to /account?iss=...; that redirect is followed by hand.
  const browserFor = () => new Browser([idp.hub.redirectUri, idp.partner.redirectUri, `${idp.issuer}/account?iss=`]);

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000', OTP_SENDS_PER_IDENTIFIER_PER_HOUR: '100' });
    hubRp = await relyingParty(idp, idp.hub);
  });
  afterAll(() => idp.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  /**
   * Signs `email` in at the idp's account page with a code (a code-only session in the returned
   * browser), then enrols an authenticator app; returns the browser and the app's secret.
   */
  async function enrolledAfterSignIn(email: string): Promise<{ browser: Browser; secret: string }> {
    const browser = browserFor();
    const back = await completeInteraction(idp, browser, await browser.go(`${idp.issuer}/account`), {
      identifier: email,
      name: 'App User',
    });
    const page = await browser.go(back.url);
    expect(title(page)).toBe('Your account');
    const enrol = await browser.submit(page, '/account/totp/start');
    const secret = enrol.html.match(/<code>([A-Z2-7]+)<\/code>/)?.[1] ?? '';
    const confirmed = await browser.submit(enrol, '/account/totp/confirm', { code: codeAt(secret, 0) });
    expect(confirmed.html).toContain('Authenticator app turned on.');
    return { browser, secret };
  }

  it('publishes both levels in acr_values_supported and supports the claims parameter', () => {
    const meta = hubRp.serverMetadata();
    expect(meta.acr_values_supported).toEqual([ACR_CODE, ACR_CODE_AND_APP]);
    expect(meta.claims_parameter_supported).toBe(true);
    expect(meta.claims_supported).toEqual(expect.arrayContaining(['acr', 'amr', 'auth_time']));
  });

  it('a code by SMS signs in at the code-only level with amr sms', async () => {
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, {
      identifier: '91234 56780',
      to: '+919123456780',
    });
    expect(tokens.claims()).toMatchObject({ acr: ACR_CODE, amr: ['sms'] });
  });

  it('a code by email then the authenticator app signs in at the code-and-app level with amr email and otp', async () => {
    const { secret } = await enrolledAfterSignIn('two.steps@example.org');
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, {
      identifier: 'two.steps@example.org',
      totp: () => codeAt(secret, 1),
    });
    expect(tokens.claims()).toMatchObject({ acr: ACR_CODE_AND_APP, amr: ['email', 'otp'] });
  });

  it('acr_values for code-and-app steps a code-only session up with the app alone, without a new code', async () => {
    const email = 'step.up@example.org';
    const { browser, secret } = await enrolledAfterSignIn(email);
    // Without acr_values the session is reused as it is: the level it reached is what the token says.
    const plain = await login(idp, browser, hubRp, idp.hub, { identifier: 'unused' });
    expect(plain.tokens.claims()).toMatchObject({ acr: ACR_CODE, amr: ['email'] });
    const sent = (await idp.messages(email)).length;

    const request = await authorizationRequest(hubRp, idp.hub, { extra: { acr_values: ACR_CODE_AND_APP } });
    const first = await browser.go(request.url.href);
    expect(title(first)).toBe('Enter your authenticator code');
    const callback = await browser.submit(first, '/totp', { code: codeAt(secret, 1) });
    const tokens = await exchangeCode(hubRp, request, callback.url);
    expect(tokens.claims()).toMatchObject({ acr: ACR_CODE_AND_APP, amr: ['email', 'otp'] });
    expect(tokens.claims()?.sub).toBe(plain.tokens.claims()?.sub);
    expect(await idp.messages(email)).toHaveLength(sent);
  });

  it('acr_values for code-and-app with prompt=none answers silently at the level the session reached', async () => {
    const { browser } = await enrolledAfterSignIn('silent@example.org');
    const request = await authorizationRequest(hubRp, idp.hub, {
      extra: { acr_values: ACR_CODE_AND_APP, prompt: 'none' },
    });
    const callback = await browser.go(request.url.href);
    expect(new URL(callback.url).searchParams.get('error')).toBeNull();
    const tokens = await exchangeCode(hubRp, request, callback.url);
    expect(tokens.claims()?.acr).toBe(ACR_CODE);
  });

  it('acr_values for code-and-app from a citizen without an app answers at the code-only level without asking again', async () => {
    const browser = browserFor();
    await login(idp, browser, hubRp, idp.hub, { identifier: 'no.app@example.org' });
    const sent = (await idp.messages('no.app@example.org')).length;
    // acr_values is voluntary (OpenID Connect Core §3.1.2.1): the session answers, saying its level.
    const { tokens } = await login(idp, browser, hubRp, idp.hub, {
      identifier: 'unused',
      extra: { acr_values: ACR_CODE_AND_APP },
    });
    expect(tokens.claims()).toMatchObject({ acr: ACR_CODE, amr: ['email'] });
    expect(await idp.messages('no.app@example.org')).toHaveLength(sent);
  });

  it('an essential code-and-app acr steps a code-only session up with the app', async () => {
    const { browser, secret } = await enrolledAfterSignIn('essential.app@example.org');
    const request = await authorizationRequest(hubRp, idp.hub, { extra: { claims: essentialAcr(ACR_CODE_AND_APP) } });
    const first = await browser.go(request.url.href);
    expect(title(first)).toBe('Enter your authenticator code');
    const callback = await browser.submit(first, '/totp', { code: codeAt(secret, 1) });
    const tokens = await exchangeCode(hubRp, request, callback.url);
    expect(tokens.claims()?.acr).toBe(ACR_CODE_AND_APP);
  });

  it('an essential code-and-app acr from a citizen without an app fails with unmet_authentication_requirements', async () => {
    const browser = browserFor();
    const request = await authorizationRequest(hubRp, idp.hub, { extra: { claims: essentialAcr(ACR_CODE_AND_APP) } });
    const callback = await completeInteraction(idp, browser, await browser.go(request.url.href), {
      identifier: 'cannot.step.up@example.org',
    });
    const answer = new URL(callback.url);
    expect(answer.href.startsWith(idp.hub.redirectUri)).toBe(true);
    expect(answer.searchParams.get('error')).toBe('unmet_authentication_requirements');
    expect(answer.searchParams.get('code')).toBeNull();
  });

  it('an essential code-and-app acr for a signed-in citizen without an app fails at once, with no new code sent', async () => {
    const browser = browserFor();
    const email = 'signed.in.no.app@example.org';
    await login(idp, browser, hubRp, idp.hub, { identifier: email });
    const sent = (await idp.messages(email)).length;
    const request = await authorizationRequest(hubRp, idp.hub, { extra: { claims: essentialAcr(ACR_CODE_AND_APP) } });
    const answer = new URL((await browser.go(request.url.href)).url);
    expect(answer.href.startsWith(idp.hub.redirectUri)).toBe(true);
    expect(answer.searchParams.get('error')).toBe('unmet_authentication_requirements');
    expect(await idp.messages(email)).toHaveLength(sent);
  });

  it('an essential code-only acr is answered with code-only after the app, without asking again and again', async () => {
    const email = 'strong.session@example.org';
    const { secret } = await enrolledAfterSignIn(email);
    const browser = browserFor();
    const strong = await login(idp, browser, hubRp, idp.hub, { identifier: email, totp: () => codeAt(secret, 1) });
    expect(strong.tokens.claims()?.acr).toBe(ACR_CODE_AND_APP);
    // The app's next step: the one above is used. A later clock stands in for a citizen who waits.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 90_000 });
    const { tokens } = await login(idp, browser, hubRp, idp.hub, {
      identifier: email,
      totp: () => codeAt(secret, 0),
      extra: { claims: essentialAcr(ACR_CODE) },
    });
    // An authentication with the app satisfies the code-only class (Core §2: the class it satisfied).
    expect(tokens.claims()?.acr).toBe(ACR_CODE);
  });

  it('prompt=login asks for a new code even with a live session, and auth_time is the new sign-in', async () => {
    const browser = browserFor();
    const to = '+919123456781';
    const first = await login(idp, browser, hubRp, idp.hub, { identifier: to });
    const sent = (await idp.messages(to)).length;
    const later = Date.now() + 120_000;
    vi.useFakeTimers({ toFake: ['Date'], now: later });
    const again = await login(idp, browser, hubRp, idp.hub, { identifier: to, extra: { prompt: 'login' } });
    expect(await idp.messages(to)).toHaveLength(sent + 1);
    expect(again.tokens.claims()?.sub).toBe(first.tokens.claims()?.sub);
    expect(again.tokens.claims()?.auth_time).toBeGreaterThanOrEqual(Math.floor(later / 1000));
  });

  it('max_age=0 asks for a new code even within the second of the last sign-in; a max_age not yet passed reuses the session', async () => {
    const browser = browserFor();
    const email = 'max.age@example.org';
    // The clock stands still, so the second sign-in happens in the same second as the first.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const first = await login(idp, browser, hubRp, idp.hub, { identifier: email, extra: { max_age: '3600' } });
    const firstAuth = first.tokens.claims()?.auth_time as number;
    expect(firstAuth).toBe(Math.floor(Date.now() / 1000));
    const sent = (await idp.messages(email)).length;

    const reused = await login(idp, browser, hubRp, idp.hub, { identifier: email, extra: { max_age: '3600' } });
    expect(await idp.messages(email)).toHaveLength(sent);
    expect(reused.tokens.claims()?.auth_time).toBe(firstAuth);

    const fresh = await login(idp, browser, hubRp, idp.hub, { identifier: email, extra: { max_age: '0' } });
    expect(await idp.messages(email)).toHaveLength(sent + 1);
    expect(fresh.tokens.claims()?.auth_time).toBeDefined();
  });
});
