import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANG_COOKIE } from '../../idp/interactions/locale.js';
import { Browser, type Page } from '../idp/support/browser.js';
import { authorizationRequest, completeInteraction, login, relyingParty, title } from '../idp/support/relying-party.js';
import { startTestIdp, type TestIdp } from '../idp/support/test-idp.js';

const htmlLang = (page: Page) => page.html.match(/<html lang="([^"]+)"/)?.[1];
const BENGALI_DIGITS = '০১২৩৪৫৬৭৮৯';
const DEVANAGARI_DIGITS = '०१२३४५६७८९';
const inDigits = (code: string, digits: string) => code.replace(/\d/g, (d) => digits[Number(d)] as string);

describe('the language of the idp pages', () => {
  let idp: TestIdp;
  let rp: oidc.Configuration;

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    rp = await relyingParty(idp, idp.hub);
  });
  afterAll(() => idp.close());

  /** A fresh browser (with `headers` on every request) on the hub's first sign-in page. */
  async function signIn(extra: Record<string, string> = {}, headers: Record<string, string> = {}) {
    const browser = new Browser([idp.hub.redirectUri], headers);
    const request = await authorizationRequest(rp, idp.hub, { extra });
    return { browser, page: await browser.go(request.url.href) };
  }

  it('is the first supported language of ui_locales, in its order ("fr hi-IN bn" is Hindi)', async () => {
    const { page } = await signIn({ ui_locales: 'fr hi-IN bn' }, { 'accept-language': 'bn' });
    expect(page.status).toBe(200);
    expect(htmlLang(page)).toBe('hi');
    expect(title(page)).toBe('साइन इन करें');
    expect(page.html).toContain('मोबाइल नंबर या ईमेल पता');
  });

  it('follows Accept-Language when the client sends no ui_locales, by q-value', async () => {
    const { page } = await signIn({}, { 'accept-language': 'en;q=0.5, bn-IN;q=0.9, fr' });
    expect(htmlLang(page)).toBe('bn');
    expect(title(page)).toBe('সাইন ইন করুন');
  });

  it('is English when neither ui_locales nor Accept-Language names a language we have', async () => {
    const { page } = await signIn({ ui_locales: 'fr de' }, { 'accept-language': 'ta-IN, fr;q=0.8' });
    expect(htmlLang(page)).toBe('en');
    expect(title(page)).toBe('Sign in');
  });

  it('takes the language cookie shared with the portal over Accept-Language, and ui_locales over the cookie', async () => {
    expect(LANG_COOKIE).toBe('portal_lang');
    const cookieOnly = new Browser([idp.hub.redirectUri], { 'accept-language': 'hi' });
    await cookieOnly.jar.setCookie(`${LANG_COOKIE}=bn; Path=/`, idp.issuer);
    const byCookie = await cookieOnly.go((await authorizationRequest(rp, idp.hub)).url.href);
    expect(htmlLang(byCookie)).toBe('bn');

    const byUiLocales = await cookieOnly.go(
      (await authorizationRequest(rp, idp.hub, { extra: { ui_locales: 'hi' } })).url.href,
    );
    expect(htmlLang(byUiLocales)).toBe('hi');

    // A cookie value we do not speak is ignored.
    const odd = new Browser([idp.hub.redirectUri], { 'accept-language': 'hi' });
    await odd.jar.setCookie(`${LANG_COOKIE}=xx; Path=/`, idp.issuer);
    expect(htmlLang(await odd.go((await authorizationRequest(rp, idp.hub)).url.href))).toBe('hi');
  });

  it('switches with ?lang= for the rest of the sign-in, over ui_locales, sends the code in that language and sets the language cookie', async () => {
    const identifier = 'switcher@example.org';
    const { browser, page } = await signIn({ ui_locales: 'hi' });
    expect(htmlLang(page)).toBe('hi');
    const switchLink = page.html.match(/href="(\/interaction\/[\w-]+\?lang=bn)"/)?.[1];
    expect(switchLink).toBeTruthy();

    const switched = await browser.go(new URL(switchLink as string, page.url).href);
    expect(switched.url).toBe(page.url);
    expect(htmlLang(switched)).toBe('bn');
    const cookies = await browser.jar.getCookies(idp.issuer);
    expect(cookies.find((cookie) => cookie.key === LANG_COOKIE)).toMatchObject({
      value: 'bn',
      httpOnly: true,
      sameSite: 'lax',
    });

    const codePage = await browser.submit(switched, '/identify', { identifier });
    expect(title(codePage)).toBe('আপনার কোড লিখুন');
    expect(codePage.html).toContain('৫ মিনিট');
    const [message] = await idp.messages(identifier);
    expect(message?.subject).toBe('আপনার সাইন-ইন কোড');
    expect(message?.text).toContain('আপনার সাইন-ইন কোড হল');

    // The refusal comes in Bengali too, and a code typed in Bengali digits is accepted.
    const code = await idp.latestCode(identifier);
    const wrong = await browser.submit(codePage, '/verify', { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('এই কোডটি সঠিক নয়।');
    const register = await browser.submit(wrong, '/verify', { code: inDigits(code, BENGALI_DIGITS) });
    expect(title(register)).toBe('আপনার অ্যাকাউন্ট তৈরি করুন');
  });

  it('accepts a one-time code typed in Devanagari digits', async () => {
    const identifier = 'devanagari.digits@example.org';
    const { browser, page } = await signIn({ ui_locales: 'hi' });
    const codePage = await browser.submit(page, '/identify', { identifier });
    const code = await idp.latestCode(identifier);
    const register = await browser.submit(codePage, '/verify', { code: ` ${inDigits(code, DEVANAGARI_DIGITS)} ` });
    expect(title(register)).toBe('अपना खाता बनाएँ');
  });

  it('ignores a ?lang= it does not speak and shows the page as it was', async () => {
    const { browser, page } = await signIn({}, { 'accept-language': 'hi' });
    const same = await browser.go(`${page.url}?lang=fr`);
    expect(same.status).toBe(200);
    expect(htmlLang(same)).toBe('hi');
    expect((await browser.jar.getCookies(idp.issuer)).some((cookie) => cookie.key === LANG_COOKIE)).toBe(false);
  });

  it('shows the logout page in the language of the logout request ui_locales, and errors by Accept-Language', async () => {
    const browser = new Browser([idp.hub.redirectUri, idp.hub.postLogoutRedirectUri], { 'accept-language': 'bn' });
    const { tokens } = await login(idp, browser, rp, idp.hub, {
      identifier: 'leaving.in.hindi@example.org',
      extra: { ui_locales: 'en' },
    });
    const endSession = oidc.buildEndSessionUrl(rp, {
      id_token_hint: tokens.id_token as string,
      post_logout_redirect_uri: idp.hub.postLogoutRedirectUri,
      ui_locales: 'hi',
    });
    const confirm = await browser.go(endSession.href);
    expect(htmlLang(confirm)).toBe('hi');
    expect(title(confirm)).toBe('साइन आउट करें');
    expect(confirm.html).toContain('हर जगह से साइन आउट करें');

    const refused = await browser.go(`${idp.issuer}/auth?client_id=no-such-client&response_type=code&scope=openid`);
    expect(refused.status).toBe(400);
    expect(htmlLang(refused)).toBe('bn');
    expect(title(refused)).toBe('কিছু একটা ভুল হয়েছে');
    // The provider's own (English) detail is marked as English inside the Bengali page.
    expect(refused.html).toMatch(/<span lang="en">[^<]*client[^<]*<\/span>/);
  });

  it('switches the account page with ?lang=, and asks for sign-in in the page language', async () => {
    // Stops where the sign-in hands back to the account page.
    const browser = new Browser([`${idp.issuer}/account?`]);
    const start = await browser.go(`${idp.issuer}/account`);
    const back = await completeInteraction(idp, browser, start, { identifier: 'account.lang@example.org' });
    expect(title(await browser.go(back.url))).toBe('Your account');

    const bengali = await browser.go(`${idp.issuer}/account?lang=bn`);
    expect(bengali.url).toBe(`${idp.issuer}/account`);
    expect(htmlLang(bengali)).toBe('bn');
    expect(title(bengali)).toBe('আপনার অ্যাকাউন্ট');
    expect(bengali.html).toContain('href="/account?lang=hi"');

    // Signed out, the account page sends the browser to sign in with its language as ui_locales.
    const res = await fetch(`${idp.issuer}/account`, { redirect: 'manual', headers: { cookie: `${LANG_COOKIE}=hi` } });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location') ?? '', idp.issuer).searchParams.get('ui_locales')).toBe('hi');
  });

  it('advertises the languages of its pages in discovery (ui_locales_supported)', async () => {
    const meta = rp.serverMetadata();
    expect(meta.ui_locales_supported).toEqual(['en', 'hi', 'bn']);
  });
});
