import { setTimeout as sleep } from 'node:timers/promises';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('simultaneous refreshes with one token all get the one new refresh token, which then refreshes, race after race', async () => {
    // One race can happen to be won cleanly by chance; several in a row, with 2 to 5 requests
    // each, catch a rotation that lets a loser see the winner's consumed token as a reuse.
    const { tokens } = await signIn(idp, hubRp, 'race@example.org');
    let current = tokens.refresh_token as string;
    for (const racers of [3, 2, 5, 3, 4, 3]) {
      const answers = await Promise.all(Array.from({ length: racers }, () => oidc.refreshTokenGrant(hubRp, current)));
      const rotated = new Set(answers.map((answer) => answer.refresh_token));
      expect(rotated.size).toBe(1);
      const [next] = [...rotated] as [string];
      expect(next).not.toBe(current);
      // One rotation: the duplicates got the winner's answer, not tokens of their own.
      expect(new Set(answers.map((answer) => answer.access_token)).size).toBe(1);
      current = next;
    }
    const after = await oidc.refreshTokenGrant(hubRp, current);
    expect(after.refresh_token).toBeDefined();
    expect(after.refresh_token).not.toBe(current);
  });

  it("a refresh that read the token just before another request consumed it gets the winner's answer, not a revoked grant", async () => {
    const { tokens } = await signIn(idp, hubRp, 'interleaved@example.org');
    const old = tokens.refresh_token as string;
    // Every second read of a refresh token is answered late, so one request sees the token unused
    // while the other consumes it, and its next read then finds it consumed: the interleaving
    // that, unguarded, looks like a reuse to the provider and revokes the grant.
    const redis = idp.service.redis;
    const mget = redis.mget.bind(redis) as (...keys: string[]) => Promise<(string | null)[]>;
    let reads = 0;
    redis.mget = (async (...keys: string[]) => {
      const stored = await mget(...keys);
      // The answer, read now, arrives late: by then the other request may have consumed the token.
      if (String(keys[0]).includes('RefreshToken') && reads++ % 2 === 1) await sleep(150);
      return stored;
    }) as typeof redis.mget;
    try {
      const answers = await Promise.all([1, 2].map(() => oidc.refreshTokenGrant(hubRp, old)));
      expect(new Set(answers.map((answer) => answer.refresh_token)).size).toBe(1);
      const after = await oidc.refreshTokenGrant(hubRp, answers[0]?.refresh_token as string);
      expect(after.refresh_token).toBeDefined();
    } finally {
      redis.mget = mget as typeof redis.mget;
    }
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
