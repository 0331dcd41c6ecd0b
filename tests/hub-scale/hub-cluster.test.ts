import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo } from '../../infra/mongo.js';
import { freshConsumers, payableToday } from '../hub-api/fresh-consumers.js';
import { accessTokenAt } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';
import { logRecords, terminateCluster } from '../support/cluster-process.js';
import { payAtHostedCheckout } from '../support/hosted-checkout.js';
import { type ClusterHub, requestFresh, startClusterHub } from './support/cluster-hub.js';

/** One sample of a /metrics text: `name{labels} value`, with `labels` a substring of the label set. */
const sample = (metrics: string, name: string, labels = '') => {
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(name) || !line.includes(labels)) continue;
    const rest = line.slice(name.length);
    if (rest.startsWith('{') || rest.startsWith(' ')) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
};

describe('the hub API as one process per core (HUB_PROCESSES=2)', () => {
  let idp: TestIdp;
  let hub: ClusterHub;
  let workers: { id: number; pid: number }[];
  let token: string;
  const nextConsumers = freshConsumers();

  const api = (path: string, init: { method?: string; body?: unknown; key?: string } = {}) =>
    requestFresh(`${hub.url}/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...(init.key ? { 'idempotency-key': init.key } : {}),
      },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    // With a settlement worker, so that a payment completes and gets its receipt.
    hub = await startClusterHub(2, idp.issuer, HUB_API, { METRICS_CACHE_SECONDS: '1' }, true);
    workers = await hub.workers(2);
    token = await accessTokenAt(idp, idp.hub, {
      identifier: 'cluster.citizen@example.org',
      scope: 'openid bills:read payments:read payments:write',
      resource: HUB_API,
    });
  }, 180_000);
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it('answers from two worker processes, each naming itself on /readyz and in its logs', () => {
    expect(new Set(workers.map((worker) => worker.pid)).size).toBe(2);
    expect(workers.map((worker) => worker.pid)).not.toContain(hub.child.pid);
    const listening = logRecords(hub.lines).filter((record) => record.msg === 'hub listening');
    expect(new Set(listening.map((record) => record.worker))).toEqual(new Set(workers.map((worker) => worker.id)));
  });

  /** Checkout lines for two bills no other test pays, fetched through the cluster. */
  const billsToPay = async () => {
    const { electricity, gas } = nextConsumers();
    const billOf = async (path: string) => {
      const answer = await api(path);
      expect(answer.status).toBe(200);
      return (JSON.parse(answer.body) as { bill: { billNumber: string; amountDueMinor: number } }).bill;
    };
    const e = await billOf(`/billers/state-electricity/bill?consumerNumber=${electricity.consumerNumber}`);
    const g = await billOf(`/billers/metro-gas/bill?bpNumber=${gas.bpNumber}`);
    return [
      { billerId: 'state-electricity', consumer: electricity, billNumber: e.billNumber, amountMinor: payableToday(e) },
      { billerId: 'metro-gas', consumer: gas, billNumber: g.billNumber, amountMinor: payableToday(g) },
    ];
  };

  it('makes one payment of identical checkouts that land on both workers, and replays it from either', async () => {
    const lines = await billsToPay();
    const key = randomUUID();
    // Twelve new connections: the round robin gives each worker about half of them.
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => api('/checkouts', { method: 'POST', body: { lines }, key })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(201));
    const ids = new Set(answers.map((answer) => (JSON.parse(answer.body) as { payment: { id: string } }).payment.id));
    expect(ids.size).toBe(1);
    const replays = await Promise.all(
      Array.from({ length: 4 }, () => api('/checkouts', { method: 'POST', body: { lines }, key })),
    );
    for (const replay of replays) {
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
    }
    const reused = await api('/checkouts', { method: 'POST', body: { lines: [lines[0]] }, key });
    expect(reused.status).toBe(409);
    expect(JSON.parse(reused.body)).toMatchObject({ code: 'idempotency_key_reused' });

    const mongo = await connectMongo(inject('mongoUri'), { dbName: hub.database });
    try {
      expect(await mongo.collection('payments').countDocuments({ idempotencyKey: key })).toBe(1);
    } finally {
      await mongo.close();
    }
  });

  it("verifies a receipt's QR token on every worker, whichever signed it (no RECEIPT_SIGNING_KEYS set)", async () => {
    const created = await api('/checkouts', { method: 'POST', body: { lines: await billsToPay() }, key: randomUUID() });
    expect(created.status).toBe(201);
    const { payment, checkoutUrl } = JSON.parse(created.body) as { payment: { id: string }; checkoutUrl: string };
    const paid = await payAtHostedCheckout(checkoutUrl);
    expect(paid.status).toBe(303);
    let status = '';
    for (let i = 0; i < 300 && status !== 'completed'; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 200));
      status = (JSON.parse((await api(`/payments/${payment.id}`)).body) as { status: string }).status;
    }
    expect(status).toBe('completed');
    // The receipt's verification URL, signed by whichever worker takes each connection.
    const tokens = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const receipt = await api(`/payments/${payment.id}/receipt`);
        expect(receipt.status).toBe(200);
        return new URL((JSON.parse(receipt.body) as { verifyUrl: string }).verifyUrl).searchParams.get('t') ?? '';
      }),
    );
    for (const token of tokens) {
      const answers = await Promise.all(
        Array.from({ length: 4 }, () =>
          requestFresh(`${hub.url}/api/v1/receipts/verify?t=${encodeURIComponent(token)}`),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    }
  }, 90_000);

  it('reports the whole hub on /metrics: requests summed over the workers, database gauges once', async () => {
    const mongo = await connectMongo(inject('mongoUri'), { dbName: hub.database });
    try {
      await mongo
        .collection('notification_deliveries')
        .insertMany([1, 2, 3].map((n) => ({ key: `cluster-queued-${n}`, status: 'queued' })));
    } finally {
      await mongo.close();
    }
    const healthz = (metrics: string) =>
      sample(metrics, 'http_request_duration_seconds_count', 'route="/healthz"') ?? 0;
    const before = healthz((await requestFresh(`${hub.url}/metrics`)).body);
    for (let i = 0; i < 10; i++) expect((await requestFresh(`${hub.url}/healthz`)).status).toBe(200);
    // METRICS_CACHE_SECONDS=1: wait past one cache period so every worker reads the three queued messages.
    await new Promise((r) => setTimeout(r, 1_500));
    const metrics = (await requestFresh(`${hub.url}/metrics`)).body;
    // Each worker answered about half of the ten; the sum over both is all ten.
    expect(healthz(metrics) - before).toBe(10);
    // Both workers read the same database: the gauge is its figure, not twice it.
    expect(sample(metrics, 'billpay_notifications_queued')).toBe(3);
  });

  it('stops every worker and exits 0 on SIGTERM', async () => {
    const ended = await terminateCluster(
      hub.child,
      hub.lines,
      workers.map((worker) => worker.pid),
      'hub stopping',
    );
    expect(ended.code).toBe(0);
    expect(ended.aliveWorkers).toEqual([]);
    expect(ended.stoppingLogs).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

describe('the hub as a cluster with a bad biller registry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hub-cluster-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 and names the bad entry once, from the primary, instead of crash-looping its workers', () => {
    const file = join(dir, 'billers.json');
    writeFileSync(file, JSON.stringify({ billers: [{ adapter: 'telecom-x', options: {} }] }));
    const result = spawnSync(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, '../../hub/main.ts')], {
      env: {
        PATH: process.env.PATH,
        HUB_PROCESSES: '2',
        MONGODB_URI: 'mongodb://127.0.0.1:1',
        REDIS_URL: 'redis://127.0.0.1:1',
        BILLERS_FILE: file,
        GATEWAY_API_KEY: 'cluster-test-gateway-key',
        GATEWAY_WEBHOOK_SECRET: 'cluster-test-webhook-secret',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    const message = `BILLERS_FILE ${file}: billers[0] (telecom-x): adapter "telecom-x" not found`;
    expect(result.stderr.split(message)).toHaveLength(2);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/worker process/);
  }, 60_000);
});
