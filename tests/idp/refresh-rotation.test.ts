import { setTimeout as sleep } from 'node:timers/promises';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAdapterFactory } from '../../idp/provider/redis-adapter.js';
import { Browser } from './support/browser.js';
import { login, relyingParty } from './support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from './support/test-idp.js';

/**
 * Two windows, so no assertion rests on a tight margin: duplicates are checked against a long one
 * (a busy machine never takes that long between two requests), reuse after the window against a
 * short one that the test waits out well past (waiting longer is always safe).
 */
const LONG_GRACE_SECONDS = 30;
const SHORT_GRACE_SECONDS = 1;

describe('refresh token rotation at the idp', () => {
  let idp: TestIdp;
  let shortGraceIdp: TestIdp;
  let hubRp: oidc.Configuration;
  let shortGraceRp: oidc.Configuration;
  const signIn = (on: TestIdp, rp: oidc.Configuration, identifier: string) =>
    login(on, new Browser([on.hub.redirectUri]), rp, on.hub, { identifier, resource: HUB_API });

  beforeAll(async () => {
    [idp, shortGraceIdp] = await Promise.all([
      startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000', IDP_REFRESH_REUSE_GRACE_SECONDS: String(LONG_GRACE_SECONDS) }),
      startTestIdp({
        OTP_SENDS_PER_IP_PER_HOUR: '1000',
        IDP_REFRESH_REUSE_GRACE_SECONDS: String(SHORT_GRACE_SECONDS),
      }),
    ]);
    [hubRp, shortGraceRp] = await Promise.all([
      relyingParty(idp, idp.hub),
      relyingParty(shortGraceIdp, shortGraceIdp.hub),
    ]);
  });
  afterAll(() => Promise.all([idp?.close(), shortGraceIdp?.close()]));

  it('three simultaneous refreshes with one token all get the one new refresh token, which then refreshes', async () => {
    const { tokens } = await signIn(idp, hubRp, 'race@example.org');
    const old = tokens.refresh_token as string;

    const answers = await Promise.all([1, 2, 3].map(() => oidc.refreshTokenGrant(hubRp, old)));
    const rotated = new Set(answers.map((answer) => answer.refresh_token));
    expect(rotated.size).toBe(1);
    const [next] = [...rotated] as [string];
    expect(next).not.toBe(old);
    // One rotation: the duplicates got the winner's answer, not tokens of their own.
    expect(new Set(answers.map((answer) => answer.access_token)).size).toBe(1);

    const after = await oidc.refreshTokenGrant(hubRp, next);
    expect(after.refresh_token).toBeDefined();
    expect(after.refresh_token).not.toBe(next);
  });

  it('a duplicate within the grace window gets the same tokens', async () => {
    const { tokens } = await signIn(idp, hubRp, 'duplicate@example.org');
    const old = tokens.refresh_token as string;
    const first = await oidc.refreshTokenGrant(hubRp, old);
    const duplicate = await oidc.refreshTokenGrant(hubRp, old);
    expect(duplicate.refresh_token).toBe(first.refresh_token);
    expect(duplicate.access_token).toBe(first.access_token);
  });

  it('a reuse after the grace window revokes the whole grant', async () => {
    const { tokens } = await signIn(shortGraceIdp, shortGraceRp, 'reuse@example.org');
    const old = tokens.refresh_token as string;
    const first = await oidc.refreshTokenGrant(shortGraceRp, old);

    await sleep(SHORT_GRACE_SECONDS * 1_000 + 2_500);
    await expect(oidc.refreshTokenGrant(shortGraceRp, old)).rejects.toMatchObject({ error: 'invalid_grant' });
    // Reuse detection: the chain the old token started is dead too.
    await expect(oidc.refreshTokenGrant(shortGraceRp, first.refresh_token as string)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect((await oidc.tokenIntrospection(shortGraceRp, first.refresh_token as string)).active).toBe(false);
  });

  it('a refresh request for an unknown resource is refused with invalid_target and leaves the token usable', async () => {
    const { tokens } = await signIn(idp, hubRp, 'target@example.org');
    const old = tokens.refresh_token as string;

    await expect(
      oidc.refreshTokenGrant(hubRp, old, { resource: 'https://elsewhere.example/api' }),
    ).rejects.toMatchObject({ error: 'invalid_target' });

    const next = await oidc.refreshTokenGrant(hubRp, old, { resource: HUB_API });
    expect(next.refresh_token).toBeDefined();
    expect(next.refresh_token).not.toBe(old);
  });
});

describe('the idp storage adapter', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp?.close());

  it('lets exactly one of three simultaneous consume() calls mark a refresh token used', async () => {
    const RefreshTokens = new (redisAdapterFactory(idp.service.redis, 'consume-test:'))('RefreshToken');
    await RefreshTokens.upsert('token-1', { jti: 'token-1', kind: 'RefreshToken' }, 60);

    const outcomes = await Promise.allSettled([1, 2, 3].map(() => RefreshTokens.consume('token-1')));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect((await RefreshTokens.find('token-1'))?.consumed).toEqual(expect.any(Number));
  });
});
