import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from '../../infra/redis.js';
import type { Payment } from '../payments/payment-model.js';
import { OPEN_LINE_STATUSES, WAITING_LINE_STATUSES } from '../payments/state-machine.js';
import { type SettlementOptions, type SettlementOptionsInput, settlementOptions } from './options.js';

/**
 * The data of every job on the hub's work queue. Which fields a job carries depends on its name
 * (see hub/worker/jobs.ts): settle-line has paymentId, lineId and polls; issue-receipt has
 * paymentId; notify has deliveryId; scheduled jobs have none.
 */
export interface SettlementJobData {
  paymentId?: string;
  lineId?: string;
  /** Status checks made so far of a posting the biller left pending; absent until the first. */
  polls?: number;
  /** A `reconcile` job's IST day (YYYY-MM-DD); the scheduled run leaves it out and takes yesterday. */
  date?: string;
  /** A `notify` job's message record (hub/notifications). */
  deliveryId?: string;
  /**
   * settle-line: the line was enqueued posting with one attempt counted (moved to posting with the
   * payment's move to settling, PaymentStore.startSettling): the job's first run posts without
   * counting again.
   */
  postCounted?: boolean;
}

export type SettlementQueue = Queue<SettlementJobData>;

/** The job name: one kind of job per line, whatever step the line is at. */
export const SETTLE_LINE = 'settle-line';
/** A payment's receipt and its message (hub/receipts/issue-receipt.ts). */
export const ISSUE_RECEIPT = 'issue-receipt';

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
 * The hub's work queue on a connection made with `createRedis(url, { forBlockingCommands: true })`.
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
 * Lines waiting for an enquiry or an operator are left out. A line posting with one attempt counted
 * was moved there by the settling transition (PaymentStore.startSettling), which counted the post
 * its job makes first (`postCounted`). Returns the ids of the lines enqueued.
 */
export async function enqueueSettlement(queue: SettlementQueue, payment: Payment): Promise<string[]> {
  const open = payment.lines.filter(
    (line) => OPEN_LINE_STATUSES.includes(line.status) && !WAITING_LINE_STATUSES.includes(line.status),
  );
  await queue.addBulk(
    open.map((line) => ({
      name: SETTLE_LINE,
      data: {
        paymentId: payment._id,
        lineId: line._id,
        ...(line.status === 'posting' && line.attempts === 1 ? { postCounted: true } : {}),
      },
      opts: { jobId: line._id },
    })),
  );
  return open.map((line) => line._id);
}

/**
 * Adds a job under a fixed id even when a finished one still holds that id: BullMQ ignores an add
 * whose id it keeps (and refuses ids with ':'), so a finished job is removed first; one still
 * waiting, delayed or active is left alone, which keeps one live job per id. Two callers racing
 * add at most one job.
 */
export async function addOnce(
  queue: SettlementQueue,
  name: string,
  jobId: string,
  data: SettlementJobData,
): Promise<'requeued' | 'inQueue'> {
  const existing = await queue.getJob(jobId);
  const state = existing ? await existing.getState() : 'missing';
  if (state !== 'missing' && state !== 'completed' && state !== 'failed' && state !== 'unknown') return 'inQueue';
  if (state !== 'missing') await queue.remove(jobId);
  await queue.add(name, data, { jobId });
  return 'requeued';
}

/** A new settle-line job for a line that must move again (swept, or resolved by an enquiry). */
export const requeueLine = (queue: SettlementQueue, paymentId: string, lineId: string) =>
  addOnce(queue, SETTLE_LINE, lineId, { paymentId, lineId });

/** The issue-receipt job of a payment that turned final; its id is the payment id (no ':'). */
export const enqueueReceipt = (queue: SettlementQueue, paymentId: string) =>
  addOnce(queue, ISSUE_RECEIPT, paymentId, { paymentId });
