import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parseSecretKey } from '../../idp/crypto/secret-box.js';
import { rotateSigningKeys } from '../../idp/provider/signing-keys.js';
import { uniqueName } from '../support/isolation.js';
import { Browser } from './support/browser.js';
import { login, relyingParty } from './support/relying-party.js';
import { startTestIdp, type TestIdp } from './support/test-idp.js';

/** The same idp across restarts: same database, Redis key space, secrets and port. */
const stable = {
  IDP_MONGODB_DB: uniqueName('keys'),
  IDP_COOKIE_KEYS: randomBytes(32).toString('base64url'),
  IDP_OTP_SECRET: randomBytes(32).toString('base64url'),
  IDP_DATA_KEY: randomBytes(32).toString('base64'),
  TEST_HUB_SECRET: randomBytes(32).toString('base64url'),
  TEST_PARTNER_SECRET: randomBytes(32).toString('base64url'),
};
const redisKeyPrefix = `${uniqueName('keys')}:`;

async function kids(issuer: string): Promise<string[]> {
  const res = await fetch(`${issuer}/jwks`);
  const body = (await res.json()) as { keys: { kid: string; d?: string }[] };
  expect(body.keys.every((key) => key.d === undefined)).toBe(true);
  return body.keys.map((key) => key.kid);
}

async function verifies(issuer: string, token: string, audience: string): Promise<boolean> {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
  return jwtVerify(token, jwks, { issuer, audience }).then(
    () => true,
    () => false,
  );
}

describe('signing keys', () => {
  let idp: TestIdp;
  afterAll(() => idp.close());

  it('are made on first start, kept sealed, reused after a restart, and rotate without breaking live tokens', async () => {
    idp = await startTestIdp(stable, { redisKeyPrefix });
    const issuer = idp.issuer;
    const firstKids = await kids(issuer);
    expect(firstKids).toHaveLength(1);
    const stored = await idp.service.mongo.collection('signingkeys').findOne({});
    expect(stored?.sealedJwk).toMatch(/^v1\./);

    const before = await login(idp, new Browser([idp.hub.redirectUri]), await relyingParty(idp, idp.hub), idp.hub, {
      identifier: 'keys@example.org',
    });
    const oldIdToken = before.tokens.id_token as string;

    // Restart: same keys, and the tokens issued before still work.
    await idp.close({ keepDatabase: true });
    idp = await startTestIdp({ ...stable, IDP_ISSUER: issuer }, { redisKeyPrefix });
    expect(await kids(issuer)).toEqual(firstKids);
    const rp = await relyingParty(idp, idp.hub);
    expect(await verifies(issuer, oldIdToken, idp.hub.id)).toBe(true);
    await expect(oidc.refreshTokenGrant(rp, before.tokens.refresh_token as string)).resolves.toHaveProperty(
      'access_token',
    );

    // Rotate, restart: the new key signs, the old one still verifies until it retires.
    const rotation = await rotateSigningKeys(idp.service.mongo, parseSecretKey(stable.IDP_DATA_KEY), 3600);
    expect(rotation).toMatchObject({ retiring: 1, removed: 0 });
    await idp.close({ keepDatabase: true });
    idp = await startTestIdp({ ...stable, IDP_ISSUER: issuer }, { redisKeyPrefix });
    expect(await kids(issuer)).toEqual([rotation.added, ...firstKids]);
    const after = await login(idp, new Browser([idp.hub.redirectUri]), await relyingParty(idp, idp.hub), idp.hub, {
      identifier: 'keys@example.org',
    });
    expect(decodeProtectedHeader(after.tokens.id_token as string).kid).toBe(rotation.added);
    expect(await verifies(issuer, oldIdToken, idp.hub.id)).toBe(true);
  });

  it('are listed and rotated by the idp:keys command', () => {
    const run = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', resolve(import.meta.dirname, '../../scripts/idp-keys.ts'), ...args],
        {
          env: { PATH: process.env.PATH, MONGODB_URI: inject('mongoUri'), ...stable },
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
    const rotated = run('rotate', '--grace-hours', '2');
    expect(rotated.status).toBe(0);
    expect(rotated.stdout).toMatch(/added signing key \S+; 1 older key\(s\) retire in 2 h/);
    const listed = run('list');
    expect(listed.stdout.trim().split('\n')).toHaveLength(3);
    expect(listed.stdout).toMatch(/ signing\n/);
    expect(run('spin').status).toBe(2);
  });
});
