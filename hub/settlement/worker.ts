import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from '../../infra/redis.js';
import type { LineDeps, SettlementDeps, SettlementLog } from './deps.js';
import { type SettlementOptions, settlementOptions } from './options.js';
import { handOverLine, SETTLE_LINE, SETTLE_PAYMENT, type SettlementJobData, settlementQueue } from './queue.js';
import { settleLine } from './settle-line.js';
import { type HandOver, type PaymentRunOutcome, settlePayment } from './settle-payment.js';

export interface SettlementWorker {
  worker: Worker<SettlementJobData>;
  /** Waits for the jobs in hand to reach a step, then stops. */
  close(): Promise<void>;
}

/** Runs one job of the work queue; the token lets a handler move its job back to delayed. */
export type JobHandler = (job: Job<SettlementJobData>, token?: string) => Promise<unknown>;

/**
 * One job as BullMQ runs it. A pending posting is checked again after the poll delay by moving the
 * job back to delayed (DelayedError), which spends none of its attempts; its poll count is kept
 * in the job's data, so a retry or a restarted worker goes on counting.
 */
export async function processSettlementJob(
  deps: LineDeps,
  job: Job<SettlementJobData>,
  token?: string,
): Promise<string> {
  const { paymentId, lineId, polls = 0, postCounted } = job.data;
  if (!paymentId || !lineId) throw new UnrecoverableError(`${SETTLE_LINE} job ${job.id} has no paymentId or lineId`);
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  // Only the job's very first run posts what the settling transition counted (see enqueueSettlement).
  const firstRun = job.attemptsMade === 0 && (job.stalledCounter ?? 0) === 0 && polls === 0;
  const firstPostCounted = postCounted === true && firstRun;
  const outcome = await settleLine(deps, { paymentId, lineId, polls, lastAttempt, firstPostCounted });
  if (outcome.kind === 'poll') {
    await job.updateData({ ...job.data, polls: outcome.polls });
    await job.moveToDelayed(Date.now() + deps.options.pollDelayMs, token);
    throw new DelayedError();
  }
  if (outcome.kind === 'idle') deps.log.info({ paymentId, lineId, reason: outcome.reason }, 'settlement job idle');
  if (outcome.kind === 'final') return outcome.status;
  return outcome.kind === 'waiting' ? outcome.status : `idle: ${outcome.reason}`;
}

/**
 * One settle-payment job (settlePayment): only its very first run posts; a retried or stalled run
 * hands every open line to its settle-line job (`handOver`).
 */
export async function processPaymentJob(
  deps: LineDeps,
  job: Job<SettlementJobData>,
  handOver: HandOver,
): Promise<PaymentRunOutcome> {
  const { paymentId } = job.data;
  if (!paymentId) throw new UnrecoverableError(`${SETTLE_PAYMENT} job ${job.id} has no paymentId`);
  const firstRun = job.attemptsMade === 0 && (job.stalledCounter ?? 0) === 0;
  const outcome = await settlePayment(deps, { paymentId, firstRun }, handOver);
  if (outcome.handedOver.length > 0)
    deps.log.info({ paymentId, lines: outcome.handedOver }, 'lines handed to their jobs');
  return outcome;
}

/**
 * A BullMQ worker on the work queue that hands each job to the handler registered under its name;
 * a job of a name without a handler fails at once (UnrecoverableError), never retried.
 */
export function startQueueWorker(
  connection: Redis,
  options: SettlementOptions,
  handlers: Readonly<Record<string, JobHandler>>,
  log: SettlementLog,
): SettlementWorker {
  const worker = new Worker<SettlementJobData>(
    options.queueName,
    (job, token) => {
      const handler = handlers[job.name];
      if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
      return handler(job, token);
    },
    {
      connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
    },
  );
  worker.on('failed', (job, error) => {
    const ids = { job: job?.name, jobId: job?.id, attempts: job?.attemptsMade };
    const final = !job || error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    // A retry is routine; a job out of attempts leaves its work for the sweep and an operator's eye.
    if (final) log.error({ ...ids, err: error }, 'job failed');
    else log.warn({ ...ids, why: error.message }, 'job will retry');
  });
  worker.on('error', (error) => log.error({ err: error }, 'work queue worker error'));
  return { worker, close: () => worker.close() };
}

/**
 * Settles payments and lines from the work queue until closed (settle-payment and settle-line jobs
 * only; hub/worker/jobs.ts runs them all). Hand-overs are added on the same connection.
 */
export function startSettlementWorker(deps: SettlementDeps): SettlementWorker {
  const { connection, options: input, ...rest } = deps;
  const options = settlementOptions(input);
  const lineDeps: LineDeps = { ...rest, options };
  const queue = settlementQueue(connection, input);
  const handOver = handOverLine(queue);
  const started = startQueueWorker(
    connection,
    options,
    {
      [SETTLE_LINE]: (job, token) => processSettlementJob(lineDeps, job, token),
      [SETTLE_PAYMENT]: (job) => processPaymentJob(lineDeps, job, handOver),
    },
    deps.log,
  );
  return {
    worker: started.worker,
    close: async () => {
      await started.close();
      await queue.close();
    },
  };
}
