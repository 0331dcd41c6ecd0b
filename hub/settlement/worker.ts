import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { LineDeps, SettlementDeps } from './deps.js';
import { NeedsOperatorError } from './errors.js';
import { settlementOptions } from './options.js';
import type { SettlementJobData } from './queue.js';
import { settleLine } from './settle-line.js';

export interface SettlementWorker {
  worker: Worker<SettlementJobData>;
  /** Waits for the lines in hand to reach a step, then stops. */
  close(): Promise<void>;
}

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
  const { paymentId, lineId, polls = 0 } = job.data;
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  let outcome: Awaited<ReturnType<typeof settleLine>>;
  try {
    outcome = await settleLine(deps, { paymentId, lineId, polls, lastAttempt });
  } catch (error) {
    if (error instanceof NeedsOperatorError) throw new UnrecoverableError(error.message);
    throw error;
  }
  if (outcome.kind === 'poll') {
    await job.updateData({ ...job.data, polls: outcome.polls });
    await job.moveToDelayed(Date.now() + deps.options.pollDelayMs, token);
    throw new DelayedError();
  }
  if (outcome.kind === 'idle') deps.log.info({ paymentId, lineId, reason: outcome.reason }, 'settlement job idle');
  return outcome.kind === 'final' ? outcome.status : `idle: ${outcome.reason}`;
}

/** Settles lines from the settlement queue until closed. */
export function startSettlementWorker(deps: SettlementDeps): SettlementWorker {
  const { connection, options: input, ...rest } = deps;
  const options = settlementOptions(input);
  const lineDeps: LineDeps = { ...rest, options };
  const worker = new Worker<SettlementJobData>(
    options.queueName,
    (job, token) => processSettlementJob(lineDeps, job, token),
    {
      connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
    },
  );
  worker.on('failed', (job, error) => {
    const ids = { paymentId: job?.data.paymentId, lineId: job?.data.lineId, attempts: job?.attemptsMade };
    const final = !job || error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    // A retry is routine; a job out of attempts leaves its line for the sweeper and an operator's eye.
    if (final) deps.log.error({ ...ids, err: error }, 'settlement job failed');
    else deps.log.warn({ ...ids, why: error.message }, 'settlement job will retry');
  });
  worker.on('error', (error) => deps.log.error({ err: error }, 'settlement worker error'));
  return { worker, close: () => worker.close() };
}
