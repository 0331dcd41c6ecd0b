import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueSettlement } from '../../hub/settlement/queue.js';
import { JOBS } from '../../hub/worker/jobs.js';
import { BILLERS, type Kind } from '../hub-settlement/billers.js';
import { GATEWAY_API_KEY, GATEWAY_WEBHOOK_SECRET } from '../hub-settlement/gateway.js';
import { ALL_THREE, type Harness, startHarness, TEST_OPTIONS, waitFor } from '../hub-settlement/harness.js';
import { redisUrl } from '../support/isolation.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** The worker's jobs in a process of their own, as hub/worker/main.ts runs them. */
const CHILD = resolve(ROOT, 'tests/hub-settlement/worker-process.ts');
const PAYMENTS = 8;

const kindOf = (billerId: string) =>
  (Object.keys(BILLERS) as Kind[]).find((kind) => BILLERS[kind].billerId === billerId) as Kind;

/**
 * One worker process on the harness's database, queue prefix, sandboxes and gateway: what one
 * replica of `docker compose up --scale worker=2` runs (its own process, the same Redis and Mongo).
 */
async function spawnWorker(h: Harness): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...h.billers.env,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      MONGODB_URI: h.mongoUri,
      HUB_MONGODB_DB: h.dbName,
      REDIS_URL: redisUrl(),
      BILLERS_FILE: h.billers.registryFile,
      GATEWAY_BASE_URL: h.gateway.url,
      GATEWAY_API_KEY,
      GATEWAY_WEBHOOK_SECRET,
      SETTLEMENT_QUEUE_PREFIX: h.options.prefix,
      SETTLEMENT_ATTEMPTS: String(TEST_OPTIONS.attempts),
      SETTLEMENT_BACKOFF_MS: String(TEST_OPTIONS.backoffMs),
      SETTLEMENT_POLL_DELAY_MS: String(TEST_OPTIONS.pollDelayMs),
      SETTLEMENT_CONCURRENCY: '2',
    },
  });
  let output = '';
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  await new Promise<void>((ready, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) ready();
    });
    child.once('exit', (code) => fail(new Error(`worker process exited (${code}) before it was ready: ${output}`)));
  });
  return child;
}

describe('two worker processes on one queue', () => {
  let h: Harness;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    h = await startHarness('settle_scale');
  });

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
    await h?.close();
  });

  it('settle every line exactly once, with one job scheduler per scheduled job', async () => {
    const payments = await Promise.all(Array.from({ length: PAYMENTS }, () => h.settlingPayment(ALL_THREE)));
    // Both replicas start (each upserts the same schedulers), then the work is queued for them.
    children.push(...(await Promise.all([spawnWorker(h), spawnWorker(h)])));
    for (const payment of payments) await enqueueSettlement(h.queue, payment);

    const done = await Promise.all(payments.map((p) => h.finished(p._id, 60_000)));
    for (const payment of done) {
      expect(payment.status).toBe('completed');
      for (const line of payment.lines) {
        expect(line.status).toBe('settled');
        // One posting at the biller and one settled transition: no double work.
        expect(await h.billers.postings(kindOf(line.billerId), line.reference)).toBe(1);
        expect(payment.timeline.filter((e) => e.lineId === line._id && e.to === 'settled')).toHaveLength(1);
      }
    }
    expect(await h.ledgerProblems()).toEqual([]);
    // No job lost or left failed.
    const counts = await waitFor('the queue to be empty', async () => {
      const c = await h.queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
      return (c.waiting ?? 0) + (c.active ?? 0) + (c.failed ?? 0) === 0 ? c : undefined;
    });
    expect(counts.failed).toBe(0);
    // Periodic work runs on BullMQ job schedulers: two replicas upserted the same ids, so each
    // scheduled job exists once and runs once per period across both.
    const schedulers = await h.queue.getJobSchedulers(0, -1);
    const ids = schedulers.map((s) => s.key);
    expect(new Set(ids).size).toBe(ids.length);
    const scheduled = Object.entries(JOBS).filter(([, job]) => 'schedule' in job).length;
    expect(ids.length).toBeLessThanOrEqual(scheduled);
    expect(ids.length).toBeGreaterThan(0);
  });
});
