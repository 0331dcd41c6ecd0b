import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSecretKey } from '../../idp/crypto/secret-box.js';
import { FIRST_KEY_ID, loadSigningKeys } from '../../idp/provider/signing-keys.js';
import { machineClient } from '../hub-api/machine-client.js';
import { alive, logRecords, terminateCluster } from '../support/cluster-process.js';
import { isolatedMongo } from '../support/isolation.js';
import { Browser } from './support/browser.js';
import { type ClusterIdp, getFresh, startClusterIdp } from './support/cluster-idp.js';
import { login, relyingParty } from './support/relying-party.js';
import { HUB_API, type TestIdp } from './support/test-idp.js';

/** The count of GET /healthz answers with 200 in a /metrics text. */
const healthzCount = (metrics: string) =>
  Number(
    /http_request_duration_seconds_count\{[^}]*route="\/healthz"[^}]*status="200"[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0,
  );

describe('the idp as one process per core (IDP_PROCESSES=2)', () => {
  const machine = machineClient('cluster-machine');
  let idp: ClusterIdp;
  let workers: { id: number; pid: number }[];

  beforeAll(async () => {
    idp = await startClusterIdp(2, [machine]);
    workers = await idp.workers(2);
  }, 120_000);
  afterAll(() => idp?.close());

  it('answers from two worker processes, each naming itself on /readyz and in its logs', async () => {
    expect(workers).toHaveLength(2);
    expect(new Set(workers.map((worker) => worker.pid)).size).toBe(2);
    expect(workers.map((worker) => worker.pid)).not.toContain(idp.child.pid);
    const listening = logRecords(idp.lines).filter((record) => record.msg === 'idp listening');
    expect(new Set(listening.map((record) => record.worker))).toEqual(new Set(workers.map((worker) => worker.id)));
  });

  it('serves one JWKS from every worker, and tokens signed by whichever worker verify against it', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => getFresh(`${idp.issuer}/jwks`)));
    const bodies = new Set(answers.map((answer) => answer.body));
    // Round robin spreads six new connections over both workers; they all publish the same key set.
    expect(bodies.size).toBe(1);
    const jwks = JSON.parse([...bodies][0] as string) as JSONWebKeySet;
    expect(jwks.keys).toHaveLength(1);
    const keySet = createLocalJWKSet(jwks);

    // Logins and client credentials grants in fresh browsers: their requests land on both workers.
    const target = { issuer: idp.issuer, latestCode: idp.latestCode } as unknown as TestIdp;
    for (let i = 0; i < 3; i++) {
      const browser = new Browser([idp.hub.redirectUri]);
      const rp = await relyingParty(target, idp.hub);
      const { tokens } = await login(target, browser, rp, idp.hub, {
        identifier: `cluster-${i}-${Date.now()}@example.org`,
        scope: 'openid profile email offline_access',
      });
      expect(decodeProtectedHeader(tokens.id_token as string).kid).toBe(jwks.keys[0]?.kid);
      await expect(jwtVerify(tokens.id_token as string, keySet, { issuer: idp.issuer })).resolves.toBeTruthy();
      const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token as string);
      await expect(jwtVerify(refreshed.id_token as string, keySet, { issuer: idp.issuer })).resolves.toBeTruthy();
    }
    const party = await oidc.discovery(
      new URL(idp.issuer),
      machine.id,
      machine.secret,
      oidc.ClientSecretBasic(machine.secret),
      { execute: [oidc.allowInsecureRequests] },
    );
    for (let i = 0; i < 4; i++) {
      const grant = await oidc.clientCredentialsGrant(party, { scope: 'billers:read', resource: HUB_API });
      const { payload } = await jwtVerify(grant.access_token, keySet, { issuer: idp.issuer, audience: HUB_API });
      expect(payload.sub).toBe(machine.id);
    }
  });

  it('reports the whole idp on /metrics, not only the worker that answered', async () => {
    const before = healthzCount((await getFresh(`${idp.issuer}/metrics`)).body);
    for (let i = 0; i < 10; i++) expect((await getFresh(`${idp.issuer}/healthz`)).status).toBe(200);
    const after = healthzCount((await getFresh(`${idp.issuer}/metrics`)).body);
    // Each worker saw about half of the ten; the sum over both is all ten.
    expect(after - before).toBe(10);
  });

  it('replaces a worker that dies, and the new one answers beside the other', async () => {
    const [victim, survivor] = workers as [{ id: number; pid: number }, { id: number; pid: number }];
    process.kill(victim.pid, 'SIGKILL');
    const now = await idp.workers(2, { not: [victim.pid], timeoutMs: 90_000 });
    expect(now.map((worker) => worker.pid)).toContain(survivor.pid);
    expect(now.map((worker) => worker.id)).not.toContain(victim.id);
    expect(alive(victim.pid)).toBe(false);
    expect(
      logRecords(idp.lines).some(
        (record) => record.msg === 'worker process exited unexpectedly; starting a replacement',
      ),
    ).toBe(true);
    workers = now;
  }, 120_000);

  it('stops every worker and exits 0 on SIGTERM', async () => {
    const ended = await terminateCluster(
      idp.child,
      idp.lines,
      workers.map((worker) => worker.pid),
      'idp stopping',
    );
    expect(ended.code).toBe(0);
    expect(ended.aliveWorkers).toEqual([]);
    expect(ended.stoppingLogs).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

describe('cluster supervision', () => {
  it('gives up loudly, exiting 1, when the workers crash-loop', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', resolve(import.meta.dirname, 'support/crashing-cluster.ts')],
      { env: { PATH: process.env.PATH, LOG_LEVEL: 'info' }, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/crash-looping/);
  }, 90_000);
});

describe('the first signing key', () => {
  it('is one key for every process that starts on an empty database at the same time', async () => {
    const { conn, drop } = await isolatedMongo('first_key');
    try {
      const dataKey = parseSecretKey(Buffer.alloc(32, 7).toString('base64'));
      const sets = await Promise.all(Array.from({ length: 4 }, () => loadSigningKeys(conn, dataKey)));
      const kids = sets.map((keys) => keys.map((key) => key.kid));
      expect(new Set(kids.map((list) => list.join()))).toEqual(new Set([kids[0]?.join()]));
      expect(kids[0]).toHaveLength(1);
      const stored = await conn.collection('signingkeys').find({}).toArray();
      expect(stored.map((doc) => doc._id)).toEqual([FIRST_KEY_ID]);
      expect(stored[0]?.kid).toBe(kids[0]?.[0]);
    } finally {
      await drop();
    }
  });
});
