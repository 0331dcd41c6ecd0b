import { setTimeout as sleep } from 'node:timers/promises';
import makeFetchCookie from 'fetch-cookie';
import type * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isolatedRedis } from '../support/isolation.js';
import { Browser, type Page } from './support/browser.js';
import { authorizationRequest, login, relyingParty, title } from './support/relying-party.js';
import { startTestIdp, type TestIdp } from './support/test-idp.js';

/** Every line any test idp of this file logs (the harness asks for a silent logger; here it logs at info). */
const logLines = vi.hoisted(() => [] as string[]);

vi.mock('../../infra/logger.js', async (importOriginal) =>
  (await import('../support/log-capture.js')).capturingLoggerModule(await importOriginal(), logLines),
);

// OTP_LOCK_SECONDS is 900 by default: the page says the same 15 minutes as Retry-After.
const LOCK_MESSAGE = 'Too many attempts. For your security, try again in 15 minutes.';
const SPENT_MESSAGE = 'That code has expired or was entered wrongly too many times. Ask for a new code.';

const wrongCode = (code: string) => (code === '000000' ? '111111' : '000000');

/** The text of the page's error summary (its one link to the field), unescaped enough for our messages. */
const errorText = (page: Page) =>
  page.html.match(/<ul class="govuk-list govuk-error-summary__list">\s*<li>\s*<a href="#[^"]*">([^<]*)<\/a>/)?.[1];

/** A fresh browser on the idp's first login page for the hub; `headers` go with its every request. */
async function openSignIn(idp: TestIdp, rp: oidc.Configuration, headers: Record<string, string> = {}) {
  const browser = new Browser([idp.hub.redirectUri, idp.partner.redirectUri], headers);
  const request = await authorizationRequest(rp, idp.hub);
  const page = await browser.go(request.url.href);
  expect(title(page)).toBe('Sign in');
  return { browser, page };
}

/** Opens a login and asks for a code; returns the code page and the code that was sent. */
async function codeSentTo(
  idp: TestIdp,
  rp: oidc.Configuration,
  identifier: string,
  headers: Record<string, string> = {},
) {
  const { browser, page } = await openSignIn(idp, rp, headers);
  const codePage = await browser.submit(page, '/identify', { identifier });
  expect(codePage.status).toBe(200);
  expect(title(codePage)).toBe('Enter your code');
  return { browser, page: codePage, code: await idp.latestCode(identifier) };
}

/** Submits a form of the page like Browser.submit, but returns the raw answer without following redirects. */
async function submitRaw(browser: Browser, page: Page, actionSuffix: string, fields: Record<string, string>) {
  const forms = [...page.html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = forms.find(([, action]) => action?.endsWith(actionSuffix));
  if (!form) throw new Error(`no form ending in ${actionSuffix}`);
  const body = new URLSearchParams();
  for (const [, name, value] of (form[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    body.set(name as string, value as string);
  }
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  const fetchWithCookies = makeFetchCookie(fetch, browser.jar);
  return fetchWithCookies(new URL(form[1] ?? '', page.url).toString(), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

/** Every key of the idp's Redis key space with its value(s), read without the idp's key prefix. */
async function redisContents(idp: TestIdp): Promise<Map<string, string>> {
  const prefix = idp.service.redis.options.keyPrefix;
  expect(prefix).toBeTruthy();
  const redis = isolatedRedis();
  try {
    const contents = new Map<string, string>();
    for (const key of await redis.keys(`${prefix}*`)) {
      const type = await redis.type(key);
      let value: unknown;
      if (type === 'string') value = await redis.get(key);
      else if (type === 'hash') value = await redis.hgetall(key);
      else if (type === 'list') value = await redis.lrange(key, 0, -1);
      else if (type === 'set') value = await redis.smembers(key);
      else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
      else value = `(${type})`;
      contents.set(key.slice(prefix?.length), JSON.stringify(value));
    }
    return contents;
  } finally {
    await redis.quit();
  }
}

/** The code as a number of its own, not as digits inside a longer number such as a timestamp. */
const codePattern = (code: string) => new RegExp(`(?<!\\d)${code}(?!\\d)`);

describe('one-time code refusals at the login pages', () => {
  let idp: TestIdp;
  let rp: oidc.Configuration;

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    rp = await relyingParty(idp, idp.hub);
  });
  afterAll(() => idp.close());

  it('refuses even the right code after 5 wrong ones, and signs nobody in', async () => {
    const identifier = 'five.wrong@example.org';
    const { browser, page, code } = await codeSentTo(idp, rp, identifier);
    let current = page;
    for (let attempt = 1; attempt <= 5; attempt++) {
      current = await browser.submit(current, '/verify', { code: wrongCode(code) });
      expect(current.status).toBe(400);
      expect(title(current)).toBe('Enter your code');
      expect(errorText(current)).toMatch(/^That code is not right\./);
    }
    const withRightCode = await browser.submit(current, '/verify', { code });
    expect(withRightCode.status).toBe(400);
    expect(title(withRightCode)).toBe('Enter your code');
    expect(errorText(withRightCode)).toBe(SPENT_MESSAGE);
    // Still on the idp's page, neither at the client nor at "Create your account".
    expect(withRightCode.url).toMatch(new RegExp(`^${idp.issuer}/interaction/[\\w-]+/verify$`));
    expect(title(await browser.go(withRightCode.url.replace(/\/verify$/, '')))).toBe('Enter your code');
    expect(await idp.service.mongo.collection('accounts').countDocuments({ email: identifier })).toBe(0);
  });

  it('refuses a new code asked for before the cooldown with 429 and sends nothing', async () => {
    const identifier = 'too.soon@example.org';
    const { browser, page, code } = await codeSentTo(idp, rp, identifier);
    const refused = await browser.submit(page, '/resend');
    expect(refused.status).toBe(429);
    expect(title(refused)).toBe('Enter your code');
    expect(errorText(refused)).toMatch(/^Please wait (29|30) seconds before asking for a new code\.$/);
    expect(await idp.messages(identifier)).toHaveLength(1);
    // The code already sent still works.
    const done = await browser.submit(refused, '/verify', { code });
    expect(title(done)).toBe('Create your account');
  });

  it('slows the 6th code for one identifier within the hour with 429 and a one-minute Retry-After, across separate sign-ins', async () => {
    const identifier = 'six.codes@example.org';
    for (let send = 1; send <= 5; send++) await codeSentTo(idp, rp, identifier);
    const { browser, page } = await openSignIn(idp, rp);
    const raw = await submitRaw(browser, page, '/identify', { identifier });
    expect(raw.status).toBe(429);
    // Slowing, not the hour-long block of old: the wait is the first slowing step.
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(Number(raw.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const refused = { status: raw.status, url: page.url, html: await raw.text() };
    expect(title(refused)).toBe('Sign in');
    expect(errorText(refused)).toBe('Too many codes requested. Try again in 1 minute.');
    expect(await idp.messages(identifier)).toHaveLength(5);
    // The limit is the identifier's: another one from the same address still gets a code.
    await codeSentTo(idp, rp, 'six.codes.other@example.org');
  });

  it('locks an identifier after 10 wrong codes across challenges, with the same words whether it has an account or not', async () => {
    const registered = 'locked.known@example.org';
    const unregistered = 'locked.nobody@example.org';
    await login(idp, new Browser([idp.hub.redirectUri]), rp, idp.hub, { identifier: registered, name: 'Known' });

    const lockOutcome = async (identifier: string) => {
      const [a, b, c] = [
        await codeSentTo(idp, rp, identifier),
        await codeSentTo(idp, rp, identifier),
        await codeSentTo(idp, rp, identifier),
      ];
      let page = a.page;
      for (let i = 0; i < 5; i++) page = await a.browser.submit(page, '/verify', { code: wrongCode(a.code) });
      expect(errorText(page)).toBe('That code is not right. Ask for a new code.');
      page = b.page;
      for (let i = 0; i < 4; i++) {
        page = await b.browser.submit(page, '/verify', { code: wrongCode(b.code) });
        expect(page.status).toBe(400);
      }
      const tenth = await b.browser.submit(page, '/verify', { code: wrongCode(b.code) });
      // An untouched challenge with its right code is refused while the lock lasts...
      const rightCode = await c.browser.submit(c.page, '/verify', { code: c.code });
      // ...and so is a new code.
      const fresh = await openSignIn(idp, rp);
      const send = await fresh.browser.submit(fresh.page, '/identify', { identifier });
      expect(await idp.messages(identifier)).toHaveLength(identifier === registered ? 4 : 3);
      return [tenth, rightCode, send].map((p) => ({ status: p.status, title: title(p), error: errorText(p) }));
    };

    const known = await lockOutcome(registered);
    const unknown = await lockOutcome(unregistered);
    expect(known).toEqual([
      { status: 429, title: 'Enter your code', error: LOCK_MESSAGE },
      { status: 429, title: 'Enter your code', error: LOCK_MESSAGE },
      { status: 429, title: 'Sign in', error: LOCK_MESSAGE },
    ]);
    expect(unknown).toEqual(known);
  });

  it('answers the identify step identically for a registered and an unregistered identifier', async () => {
    // Same length and domain, so the masked forms differ only in their first letter.
    const registered = 'kkkkk.same@example.org';
    const unregistered = 'uuuuu.same@example.org';
    await login(idp, new Browser([idp.hub.redirectUri]), rp, idp.hub, { identifier: registered, name: 'Kay' });
    const sentBefore = (await idp.messages(registered)).length;

    const answer = async (identifier: string) => {
      const { browser, page } = await openSignIn(idp, rp);
      const raw = await submitRaw(browser, page, '/identify', { identifier });
      const location = raw.headers.get('location') ?? '';
      const shown = await browser.go(new URL(location, page.url).toString());
      const mask = `${identifier[0]}***@example.org`;
      expect(shown.html).toContain(mask);
      const normalised = shown.html
        .replaceAll(mask, 'MASKED')
        .replace(/\/interaction\/[\w-]+/g, '/interaction/UID')
        .replace(/name="csrf" value="[^"]*"/g, 'name="csrf" value="CSRF"');
      const [message] = await idp.messages(identifier);
      return {
        status: raw.status,
        headers: [...raw.headers.keys()].sort(),
        location: location.replace(/\/interaction\/[\w-]+/, '/interaction/UID'),
        page: { status: shown.status, html: normalised },
        message: { ...message, to: 'TO', sentAt: 'T', text: message?.text.replace(/\d{6}/, 'CODE') },
      };
    };

    const known = await answer(registered);
    const unknown = await answer(unregistered);
    expect(known.status).toBe(303);
    expect(known.page.status).toBe(200);
    expect(known.page.html).toMatch(/<h1[^>]*>Enter your code<\/h1>/);
    expect(unknown).toEqual(known);
    expect(await idp.messages(registered)).toHaveLength(sentBefore + 1);
  });

  it('refuses a form posted without the right csrf token with 403 and changes nothing', async () => {
    const identifier = 'csrf.victim@example.org';
    const { browser, page } = await openSignIn(idp, rp);
    const other = await openSignIn(idp, rp);
    const otherToken = other.page.html.match(/name="csrf" value="([^"]+)"/)?.[1];
    expect(otherToken).toBeTruthy();

    for (const csrf of ['', 'forged', otherToken as string]) {
      const refused = await browser.submit(page, '/identify', { identifier, csrf });
      expect(refused.status).toBe(403);
      expect(refused.html).toContain('This form was not sent from this page.');
    }
    expect(await idp.messages(identifier)).toHaveLength(0);
    expect(title(await browser.go(page.url))).toBe('Sign in');

    const codePage = await browser.submit(page, '/identify', { identifier });
    const code = await idp.latestCode(identifier);
    // Five wrong codes would spend the challenge, were they counted.
    for (let i = 0; i < 5; i++) {
      const refused = await browser.submit(codePage, '/verify', { code: wrongCode(code), csrf: 'forged' });
      expect(refused.status).toBe(403);
    }
    expect((await browser.submit(codePage, '/abort', { csrf: '' })).status).toBe(403);
    expect((await browser.submit(codePage, '/change', { csrf: otherToken as string })).status).toBe(403);
    expect(title(await browser.go(codePage.url))).toBe('Enter your code');
    expect(title(await browser.submit(codePage, '/verify', { code }))).toBe('Create your account');
  });

  it('never stores a code in plain text in Redis nor writes it, or the full address, to the log', async () => {
    const identifier = 'plain.text@example.org';
    const first = await codeSentTo(idp, rp, identifier);
    const second = await codeSentTo(idp, rp, identifier);
    const contents = await redisContents(idp);

    const challenges = [...contents].filter(([key]) => key.startsWith('otp:ch:'));
    expect(challenges.filter(([, value]) => value.includes(identifier))).toHaveLength(2);
    for (const { code } of [first, second]) {
      const holding = [...contents].filter(([key, value]) => codePattern(code).test(`${key} ${value}`));
      // Only the capture transport's outbox (test mode's stand-in for SMS and email) holds it.
      expect(holding.map(([key]) => key)).toEqual([`notifier:capture:${identifier}`]);
      expect(logLines.filter((line) => codePattern(code).test(line))).toEqual([]);
    }
    // Nor the address itself: logs carry the masked form only.
    expect(logLines.filter((line) => /\w@example\.org/.test(line))).toEqual([]);
    // The log is really captured: the sends above were audited.
    expect(logLines.some((line) => line.includes('"event":"otp_sent"') && line.includes('p***@example.org'))).toBe(
      true,
    );
  });
});

describe('an expired one-time code', () => {
  let idp: TestIdp;
  let rp: oidc.Configuration;

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_CODE_TTL_SECONDS: '1', OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    rp = await relyingParty(idp, idp.hub);
  });
  afterAll(() => idp.close());

  it('is refused once its lifetime has passed, and signs nobody in', async () => {
    const identifier = 'too.late@example.org';
    const { browser, page, code } = await codeSentTo(idp, rp, identifier);
    await sleep(1_200);
    const refused = await browser.submit(page, '/verify', { code });
    expect(refused.status).toBe(400);
    expect(title(refused)).toBe('Enter your code');
    expect(errorText(refused)).toBe(SPENT_MESSAGE);
    expect(await idp.service.mongo.collection('accounts').countDocuments({ email: identifier })).toBe(0);
  });
});

describe('the per-ip limit on codes sent', () => {
  let idp: TestIdp;
  let rp: oidc.Configuration;

  beforeAll(async () => {
    // Behind one trusted proxy: the address is the X-Forwarded-For entry that proxy appended (the last).
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '3', TRUST_PROXY: 'true' });
    rp = await relyingParty(idp, idp.hub);
  });
  afterAll(() => idp.close());

  it('refuses the 4th code from one ip with 429 even for a new identifier', async () => {
    for (const n of [1, 2, 3]) await codeSentTo(idp, rp, `ip.limit.${n}@example.org`);
    const { browser, page } = await openSignIn(idp, rp);
    const refused = await browser.submit(page, '/identify', { identifier: 'ip.limit.4@example.org' });
    expect(refused.status).toBe(429);
    expect(title(refused)).toBe('Sign in');
    expect(errorText(refused)).toBe('Too many codes requested. Try again in 60 minutes.');
    expect(await idp.messages('ip.limit.4@example.org')).toHaveLength(0);
  });

  it('forged leftmost X-Forwarded-For entries share the ceiling of the address the proxy saw', async () => {
    // What a proxy forwards when the client sent its own X-Forwarded-For: the client's text, then the real address.
    const via = (forged: string) => ({ 'x-forwarded-for': `${forged}, 192.0.2.77` });
    const forged = ['203.0.113.50', 'garbage', '2001:db8:9::1'];
    for (const [n, entry] of forged.entries()) await codeSentTo(idp, rp, `ceiling.${n}@example.org`, via(entry));
    for (const entry of ['203.0.113.51', 'more garbage', '10.0.0.1']) {
      const { browser, page } = await openSignIn(idp, rp, via(entry));
      const refused = await browser.submit(page, '/identify', {
        identifier: `ceiling.${entry.replaceAll(' ', '-')}@example.org`,
      });
      expect([entry, refused.status, errorText(refused)]).toEqual([
        entry,
        429,
        'Too many codes requested. Try again in 60 minutes.',
      ]);
    }
    // Another address behind the same proxy still has its own ceiling.
    await codeSentTo(idp, rp, 'ceiling.other@example.org', { 'x-forwarded-for': '203.0.113.50, 192.0.2.78' });
  });
});

describe('wrong codes from one address', () => {
  let idp: TestIdp;
  let rp: oidc.Configuration;
  // Behind a TLS terminator the address is the X-Forwarded-For one.
  const attacker = { 'x-forwarded-for': '198.51.100.66' };
  const owner = { 'x-forwarded-for': '203.0.113.7' };

  beforeAll(async () => {
    idp = await startTestIdp({ TRUST_PROXY: 'true' });
    rp = await relyingParty(idp, idp.hub);
  });
  afterAll(() => idp.close());

  it("an attacker's wrong codes from one IP do not stop the owner signing in from another", async () => {
    const identifier = 'victim@example.org';
    await login(idp, new Browser([idp.hub.redirectUri], owner), rp, idp.hub, { identifier, name: 'Victim' });

    const [a, b] = [await codeSentTo(idp, rp, identifier, attacker), await codeSentTo(idp, rp, identifier, attacker)];
    let page = a.page;
    for (let i = 0; i < 5; i++) page = await a.browser.submit(page, '/verify', { code: wrongCode(a.code) });
    page = b.page;
    for (let i = 0; i < 4; i++) page = await b.browser.submit(page, '/verify', { code: wrongCode(b.code) });
    const tenth = await b.browser.submit(page, '/verify', { code: wrongCode(b.code) });
    expect([tenth.status, errorText(tenth)]).toEqual([429, LOCK_MESSAGE]);
    const again = await openSignIn(idp, rp, attacker);
    const refused = await again.browser.submit(again.page, '/identify', { identifier });
    expect([refused.status, errorText(refused)]).toEqual([429, LOCK_MESSAGE]);

    // The owner, from their own address, gets a fresh code and is signed in with it.
    const mine = await codeSentTo(idp, rp, identifier, owner);
    const done = await mine.browser.submit(mine.page, '/verify', { code: mine.code });
    expect(done.url.startsWith(idp.hub.redirectUri)).toBe(true);
    expect(new URL(done.url).searchParams.get('code')).toBeTruthy();
    expect(logLines.some((line) => line.includes('"event":"lockout"') && line.includes('198.51.100.66'))).toBe(true);
  });

  it('forged leftmost X-Forwarded-For entries do not escape the lock of the address the proxy saw', async () => {
    const identifier = 'forged.victim@example.org';
    const via = (forged: string) => ({ 'x-forwarded-for': `${forged}, 10.99.0.1` });
    const [a, b] = [
      await codeSentTo(idp, rp, identifier, via('203.0.113.50')),
      await codeSentTo(idp, rp, identifier, via('203.0.113.50')),
    ];
    let page = a.page;
    for (let i = 0; i < 5; i++) page = await a.browser.submit(page, '/verify', { code: wrongCode(a.code) });
    page = b.page;
    for (let i = 0; i < 5; i++) page = await b.browser.submit(page, '/verify', { code: wrongCode(b.code) });
    expect([page.status, errorText(page)]).toEqual([429, LOCK_MESSAGE]);
    expect(logLines.some((line) => line.includes('"event":"lockout"') && line.includes('10.99.0.1'))).toBe(true);

    for (const entry of ['203.0.113.51', 'garbage', '2001:db8:7::1']) {
      const again = await openSignIn(idp, rp, via(entry));
      const refused = await again.browser.submit(again.page, '/identify', { identifier });
      expect([entry, refused.status, errorText(refused)]).toEqual([entry, 429, LOCK_MESSAGE]);
    }
    expect(await idp.messages(identifier)).toHaveLength(2);
  });

  it('a browser that signed in before gets past a lock an attacker behind the same address set', async () => {
    const identifier = 'nat.owner@example.org';
    const nat = { 'x-forwarded-for': '100.64.0.9' };
    const ownersBrowser = new Browser([idp.hub.redirectUri], nat);
    await login(idp, ownersBrowser, rp, idp.hub, { identifier, name: 'Nat Owner' });

    const [a, b] = [await codeSentTo(idp, rp, identifier, nat), await codeSentTo(idp, rp, identifier, nat)];
    let page = a.page;
    for (let i = 0; i < 5; i++) page = await a.browser.submit(page, '/verify', { code: wrongCode(a.code) });
    page = b.page;
    for (let i = 0; i < 5; i++) page = await b.browser.submit(page, '/verify', { code: wrongCode(b.code) });
    expect([page.status, errorText(page)]).toEqual([429, LOCK_MESSAGE]);

    // The owner signs in again (prompt=login) in the browser that signed in before.
    const request = await authorizationRequest(rp, idp.hub, { extra: { prompt: 'login' } });
    const signIn = await ownersBrowser.go(request.url.href);
    expect(title(signIn)).toBe('Sign in');
    const codePage = await ownersBrowser.submit(signIn, '/identify', { identifier });
    expect(title(codePage)).toBe('Enter your code');
    const done = await ownersBrowser.submit(codePage, '/verify', { code: await idp.latestCode(identifier) });
    expect(done.url.startsWith(idp.hub.redirectUri)).toBe(true);
  });
});
