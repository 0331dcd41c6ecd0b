import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../hub/payments/payment-model.js';
import { enqueueSettlement } from '../../hub/settlement/queue.js';
import { sweepStuckWork } from '../../hub/settlement/sweeper.js';
import { createLogger } from '../../infra/logger.js';
import { redisUrl } from '../support/isolation.js';
import { BILLERS, type Kind } from './billers.js';
import { GATEWAY_API_KEY, GATEWAY_WEBHOOK_SECRET } from './gateway.js';
import { ALL_THREE, type Harness, startHarness, TEST_OPTIONS, waitFor } from './harness.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CHILD = resolve(import.meta.dirname, 'worker-process.ts');
const SLOW_MS = 2_500;

const kindOf = (billerId: string) =>
  (Object.keys(BILLERS) as Kind[]).find((kind) => BILLERS[kind].billerId === billerId) as Kind;

/** The worker process, on this file's Mongo database, Redis prefix, sandboxes and gateway. */
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
      SETTLEMENT_CONCURRENCY: '3',
      // A short lock and stall check, so the job of the killed worker is taken back within a second or
      // two. Every worker must check as often: a check holds off the others for its own interval.
      SETTLEMENT_LOCK_MS: '1000',
      SETTLEMENT_STALLED_CHECK_MS: '200',
      SETTLEMENT_SWEEP_EVERY_MS: '0',
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

describe('crash recovery', () => {
  let h: Harness;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    h = await startHarness('settle_crash');
  });

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await h.billers.resetFaults();
    expect(await h.ledgerProblems()).toEqual([]);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('settles every line exactly once after a worker process is killed while a line is posting', async () => {
    const payment = await h.settlingPayment(ALL_THREE);
    const slow = payment.lines.find((l) => l.billerId === BILLERS.electricity.billerId);
    if (!slow) throw new Error('no electricity line');
    await h.billers.fault('electricity', BILLERS.electricity.known, { kind: 'latency', ms: SLOW_MS });
    child = await spawnWorker(h);
    await enqueueSettlement(h.queue, payment);

    // The attempt is counted just before the call: from then on the posting is in the biller's hands.
    await waitFor('the electricity line to be posting at the biller', async () => {
      const line = (await h.payments.findById(payment._id))?.lines.find((l) => l._id === slow._id);
      return line?.status === 'posting' && line.attempts === 1;
    });
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGKILL');
    await once(child, 'exit');
    const atCrash = (await h.payments.findById(payment._id)) as Payment;
    expect(atCrash.status).toBe('settling');
    expect(atCrash.lines.find((l) => l._id === slow._id)?.status).toBe('posting');

    // A new worker and the sweeper: the dead worker's job comes back once its lock lapses, and the
    // sweeper re-enqueues whatever else the crash left open.
    await h.billers.resetFaults();
    h.startWorker({ stalledIntervalMs: 200 });
    const report = await sweepStuckWork(
      { payments: h.payments, ledger: h.ledger, queue: h.queue, log: createLogger('sweep', 'silent') },
      { olderThanMs: 0 },
    );
    expect(report.errors).toBe(0);
    const done = await h.finished(payment._id, 20_000);
    // The request the dead worker left at the slow biller has landed by now: the count includes it.
    await new Promise((r) => setTimeout(r, Math.max(0, SLOW_MS - 1_000)));

    expect(done.status).toBe('completed');
    for (const line of done.lines) {
      expect(line.status).toBe('settled');
      expect(await h.billers.postings(kindOf(line.billerId), line.reference)).toBe(1);
      expect(done.timeline.filter((e) => e.lineId === line._id && e.to === 'settled')).toHaveLength(1);
    }
    // Posted twice under one reference, before and after the crash; the biller kept one posting.
    expect(done.lines.find((l) => l._id === slow._id)?.attempts).toBe(2);
    expect((await h.gateway.client.getOrder(done.gateway.orderId as string)).refundedMinor).toBe(0);
  });
});
