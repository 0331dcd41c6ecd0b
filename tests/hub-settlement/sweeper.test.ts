import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadHubConfig, settlementOptionsOf } from '../../hub/config.js';
import { enqueueSettlement } from '../../hub/settlement/queue.js';
import { type SweepDeps, sweepStuckWork } from '../../hub/settlement/sweeper.js';
import type { SettlementWorker } from '../../hub/settlement/worker.js';
import { startWorkerJobs } from '../../hub/worker/jobs.js';
import { ConfigError } from '../../infra/config.js';
import { createLogger } from '../../infra/logger.js';
import { redisUrl } from '../support/isolation.js';
import { BILLERS, type Kind } from './billers.js';
import { ALL_THREE, type Harness, startHarness, TEST_OPTIONS, waitFor } from './harness.js';

const kindOf = (billerId: string) =>
  (Object.keys(BILLERS) as Kind[]).find((kind) => BILLERS[kind].billerId === billerId) as Kind;

/** findStuck compares with a cutoff of now - olderThanMs: let the clock pass the last write. */
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('the sweeper re-enqueues work a crash left behind', () => {
  let h: Harness;
  let sweep: (olderThanMs?: number) => ReturnType<typeof sweepStuckWork>;
  let worker: SettlementWorker | undefined;

  beforeAll(async () => {
    h = await startHarness('settle_sweep');
    const deps: SweepDeps = {
      payments: h.payments,
      ledger: h.ledger,
      queue: h.queue,
      log: createLogger('sweep', 'silent'),
    };
    sweep = async (olderThanMs = 0) => {
      await tick();
      return sweepStuckWork(deps, { olderThanMs });
    };
  });

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    expect(await h.ledgerProblems()).toEqual([]);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('moves a payment captured but never enqueued to settling and settles every line', async () => {
    worker = h.startWorker();
    // The crash came right after the capture: neither the ledger, the settling move nor the jobs happened.
    const payment = await h.capturedPayment(ALL_THREE, false);
    expect(await h.queue.getJob(payment.lines[0]?._id ?? '')).toBeUndefined();

    const report = await sweep();
    expect(report.started).toEqual([payment._id]);
    expect(report.requeued.sort()).toEqual(payment.lines.map((l) => l._id).sort());
    const done = await h.finished(payment._id);

    expect(done.status).toBe('completed');
    for (const line of done.lines) expect(await h.billers.postings(kindOf(line.billerId), line.reference)).toBe(1);
    expect((await sweep()).requeued).toEqual([]);
  });

  it('leaves a payment captured a moment ago to the capture that is still under way', async () => {
    const payment = await h.capturedPayment([{ kind: 'water' }]);
    const report = await sweep(60_000);
    expect(report.started).not.toContain(payment._id);
    expect((await h.payments.findById(payment._id))?.status).toBe('captured');
    // Settled later, so the ledger check of this test sees a finished payment.
    worker = h.startWorker();
    await sweep();
    await h.finished(payment._id);
  });

  it('gives a new job to a line whose job finished while the line stayed open', async () => {
    worker = h.startWorker();
    // Enqueued before the move to settling: each job finds nothing to do yet and completes.
    const captured = await h.capturedPayment([{ kind: 'electricity' }, { kind: 'gas' }]);
    await enqueueSettlement(h.queue, captured);
    await waitFor('the early jobs to finish', async () => {
      const states = await Promise.all(captured.lines.map(async (l) => (await h.queue.getJob(l._id))?.getState()));
      return states.every((s) => s === 'completed');
    });
    const settling = await h.payments.transitionPayment(captured._id, 'captured', 'settling', 'settlement.started');
    if (!settling) throw new Error('not settling');
    // BullMQ ignores this add: the finished jobs still hold the line ids.
    await enqueueSettlement(h.queue, settling);
    await tick();
    expect((await h.payments.findById(captured._id))?.lines.map((l) => l.status)).toEqual(['pending', 'pending']);

    const report = await sweep();
    expect(report.requeued.sort()).toEqual(captured.lines.map((l) => l._id).sort());
    const done = await h.finished(captured._id);
    expect(done.status).toBe('completed');
  });

  it('is run by the worker process on its own, on its job scheduler every sweepEveryMs', async () => {
    const payment = await h.capturedPayment([{ kind: 'electricity' }, { kind: 'water' }]);
    const config = loadHubConfig({
      MONGODB_URI: h.mongoUri,
      REDIS_URL: redisUrl(),
      BILLERS_FILE: h.billers.registryFile,
      GATEWAY_BASE_URL: h.gateway.url,
      GATEWAY_API_KEY: 'unused: the gateway is given',
      GATEWAY_WEBHOOK_SECRET: 'unused: the gateway is given',
      SETTLEMENT_QUEUE_PREFIX: h.options.prefix,
      SETTLEMENT_BACKOFF_MS: String(TEST_OPTIONS.backoffMs),
      SETTLEMENT_SWEEP_EVERY_MS: '100',
      SETTLEMENT_SWEEP_OLDER_THAN_MS: '0',
      // Only the sweep: the other schedules would leave their jobs in this file's queue.
      SETTLEMENT_ENQUIRY_EVERY_MS: '0',
      EXPIRE_EVERY_MS: '0',
      RECONCILE_ORDERS_EVERY_MS: '0',
      RECONCILE_PATTERN: 'off',
      REMIND_PATTERN: 'off',
      AUTOPAY_SCAN_EVERY_MS: '0',
      AUTOPAY_CHARGE_EVERY_MS: '0',
      COMPLAINT_FOLLOW_UP_EVERY_MS: '0',
      COMPLAINT_ESCALATE_EVERY_MS: '0',
    });
    const running = await startWorkerJobs(config, {
      mongo: h.payments.model.db,
      log: createLogger('run', 'silent'),
      gateway: h.gateway.client,
      billers: h.billers.registry,
      notifier: { send: async () => {} },
    });
    try {
      expect(running.scheduled).toEqual(['sweep']);
      expect((await h.queue.getJobScheduler('sweep'))?.every).toBe(100);
      expect((await h.finished(payment._id)).status).toBe('completed');
    } finally {
      await running.close();
      for (const { key } of await h.queue.getJobSchedulers()) await h.queue.removeJobScheduler(key);
      // A sweep the scheduler produced before it was removed must not count as this file's work.
      await h.queue.drain(true);
    }
  });

  it('refuses a bad settlement variable, naming it', () => {
    const base = {
      MONGODB_URI: 'mongodb://localhost/x',
      REDIS_URL: 'redis://localhost',
      GATEWAY_API_KEY: 'k'.repeat(16),
      GATEWAY_WEBHOOK_SECRET: 's'.repeat(16),
    };
    expect(() => loadHubConfig({ ...base, SETTLEMENT_ATTEMPTS: '0', SETTLEMENT_POLL_DELAY_MS: 'soon' })).toThrow(
      /SETTLEMENT_POLL_DELAY_MS/,
    );
    expect(() => loadHubConfig({ ...base, SETTLEMENT_ATTEMPTS: '0' })).toThrow(ConfigError);
    expect(() => loadHubConfig({ ...base, SETTLEMENT_ATTEMPTS: '0' })).toThrow(/SETTLEMENT_ATTEMPTS/);
    expect(settlementOptionsOf(loadHubConfig({ ...base, SETTLEMENT_ATTEMPTS: '7', OTHER: 'x' }))).toMatchObject({
      attempts: 7,
      maxPolls: 90,
    });
  });

  it('leaves alone a line whose job is still queued', async () => {
    const payment = await h.settle([{ kind: 'gas' }]);
    const report = await sweep();
    expect(report.inQueue).toEqual([payment.lines[0]?._id]);
    expect(report.requeued).toEqual([]);
    expect(await h.queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    worker = h.startWorker();
    expect((await h.finished(payment._id)).status).toBe('completed');
  });
});
