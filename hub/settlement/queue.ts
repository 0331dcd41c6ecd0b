import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from '../../infra/redis.js';
import type { Payment } from '../payments/payment-model.js';
import { OPEN_LINE_STATUSES } from '../payments/state-machine.js';
import { type SettlementOptions, type SettlementOptionsInput, settlementOptions } from './options.js';

export interface SettlementJobData {
  paymentId: string;
  lineId: string;
  /** Status checks made so far of a posting the biller left pending; absent until the first. */
  polls?: number;
}

export type SettlementQueue = Queue<SettlementJobData>;

/** The job name: one kind of job per line, whatever step the line is at. */
export const SETTLE_LINE = 'settle-line';

const DAY_S = 24 * 3600;

/** Retries and retention; finished jobs are kept a while, so a repeated enqueue of a done line adds nothing. */
export function settlementJobOptions(options: SettlementOptions): JobsOptions {
  return {
    attempts: options.attempts,
    backoff: { type: 'exponential', delay: options.backoffMs },
    removeOnComplete: { age: DAY_S, count: 10_000 },
    removeOnFail: { age: 7 * DAY_S },
  };
}

/**
 * The settlement queue on a connection made with `createRedis(url, { forBlockingCommands: true })`.
 * Attempts and backoff are set here, on the jobs: the process that enqueues decides them.
 */
export function settlementQueue(connection: Redis, input: SettlementOptionsInput = {}): SettlementQueue {
  const options = settlementOptions(input);
  return new Queue<SettlementJobData>(options.queueName, {
    connection,
    prefix: options.prefix,
    defaultJobOptions: settlementJobOptions(options),
  });
}

/**
 * One job per open line of a payment already moved to settling, its id the line id: a repeat
 * while the first job is kept adds nothing, and a job that runs twice does no harm anyway.
 * Returns the ids of the lines enqueued.
 */
export async function enqueueSettlement(queue: SettlementQueue, payment: Payment): Promise<string[]> {
  const open = payment.lines.filter((line) => OPEN_LINE_STATUSES.includes(line.status));
  await queue.addBulk(
    open.map((line) => ({
      name: SETTLE_LINE,
      data: { paymentId: payment._id, lineId: line._id },
      opts: { jobId: line._id },
    })),
  );
  return open.map((line) => line._id);
}
