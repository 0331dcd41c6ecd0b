import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectAccessible } from './support/axe.js';
import { launchChromium, PHONE } from './support/chromium.js';
import { withFailureShot } from './support/failure-shots.js';
import { signInAtIdp } from './support/idp-pages.js';
import { type Stack, startStack } from './support/stack.js';

describe('whole stack', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startStack({ mongoUri: inject('mongoUri'), redisUrl: inject('redisUrl') }),
      launchChromium(),
    ]);
    page = await browser.newPage({ viewport: PHONE });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it(
    'shows the idp sign-in page for the portal client',
    { timeout: 60_000 },
    withFailureShot(
      () => page,
      async () => {
        const auth = new URL(`${stack.idpUrl}/auth`);
        auth.search = new URLSearchParams({
          client_id: stack.portalClient.id,
          response_type: 'code',
          scope: 'openid',
          redirect_uri: `${stack.portalUrl}/auth/callback`,
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
          state: 'abc',
        }).toString();
        await page.goto(auth.href);
        await page.waitForSelector('#identifier');
        expect(await page.title()).toMatch(/Sign in/);
        await expectAccessible(page, 'idp sign-in');
      },
    ),
  );
});
