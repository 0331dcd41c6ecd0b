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
    'signs a new citizen in at the idp with the keyboard only and a code from the sink, each page passing axe',
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
        const seen: string[] = [];
        const result = await signInAtIdp(
          stack,
          page,
          { identifier: '98450 12345', to: '+919845012345', name: 'Lakshmi Iyer' },
          async (label) => {
            seen.push(label);
            await expectAccessible(page, label);
          },
          { keyboard: true, landsOn: /\/auth\/callback\?/ },
        );
        expect(result.registered).toBe(true);
        expect(seen).toEqual(['idp: sign in', 'idp: enter code', 'idp: create account']);
        expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();
      },
    ),
  );
});
