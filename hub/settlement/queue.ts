import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from '../../infra/redis.js';
import type { Payment } from '../payments/payment-model.js';
import { RUNNING_LINE_STATUSES } from '../payments/state-machine.js';
import { postCountedBySettling } from './line-step.js';
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
  /**
   * issue-receipt: enqueued by the payment's move to a final status (enqueueReceipt from
   * onPaymentFinal), so no receipt is stored for it unless another job raced this one; its first
   * run stores without reading for one first (issueReceipt's `fresh`).
   */
  fresh?: boolean;
}

export type SettlementQueue = Queue<SettlementJobData>;

/** The job name: one kind of job per line, whatever step the line is at. */
export const SETTLE_LINE = 'settle-line';
/** The first round of postings of a payment the capture moved to settling (settle-payment.ts). */
export const SETTLE_PAYMENT = 'settle-payment';
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

/** The settle-payment job's id: the payment's issue-receipt job already has the bare payment id. */
export const paymentJobId = (paymentId: string) => `settle-${paymentId}`;

/**
 * Enqueues the settlement of a payment already moved to settling, and returns the ids of the lines
 * it covers (its open lines; those waiting for an enquiry or an operator are left out).
 *
 * When the settling transition moved every one of them to posting and counted its first post
 * (PaymentStore.startSettling, captureAndSettle: the capture's path), one settle-payment job posts
 * them all at once and settles what the billers accept in one update (settlePayment), its id
 * derived from the payment's (paymentJobId). Otherwise (the sweep, a payment an operator released,
 * lines already moved) each line gets its own settle-line job, its id the line id, with
 * `postCounted` for a line posting with one attempt counted. A repeat while the first job is kept
 * adds nothing, and a job that runs twice does no harm anyway.
 */
export async function enqueueSettlement(queue: SettlementQueue, payment: Payment): Promise<string[]> {
  const open = payment.lines.filter((line) => RUNNING_LINE_STATUSES.includes(line.status));
  if (open.length > 0 && open.every(postCountedBySettling)) {
    await queue.add(SETTLE_PAYMENT, { paymentId: payment._id }, { jobId: paymentJobId(payment._id) });
    return open.map((line) => line._id);
  }
  await queue.addBulk(
    open.map((line) => ({
      name: SETTLE_LINE,
      data: {
        paymentId: payment._id,
        lineId: line._id,
        ...(postCountedBySettling(line) ? { postCounted: true } : {}),
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
  options: { delayMs?: number } = {},
): Promise<'requeued' | 'inQueue'> {
  const existing = await queue.getJob(jobId);
  const state = existing ? await existing.getState() : 'missing';
  if (state !== 'missing' && state !== 'completed' && state !== 'failed' && state !== 'unknown') return 'inQueue';
  if (state !== 'missing') await queue.remove(jobId);
  await queue.add(name, data, { jobId, ...(options.delayMs ? { delay: options.delayMs } : {}) });
  return 'requeued';
}

/** A new settle-line job for a line that must move again (swept, or resolved by an enquiry). */
export const requeueLine = (queue: SettlementQueue, paymentId: string, lineId: string) =>
  addOnce(queue, SETTLE_LINE, lineId, { paymentId, lineId });

/**
 * The settle-payment job's hand-over (settlePayment): the line's settle-line job, after `delayMs`,
 * with `polls` status checks already made. Its first run counts its post (no `postCounted`).
 */
export const handOverLine =
  (queue: SettlementQueue) =>
  async (paymentId: string, lineId: string, start: { polls?: number; delayMs?: number }): Promise<void> => {
    const data = { paymentId, lineId, ...(start.polls ? { polls: start.polls } : {}) };
    await addOnce(queue, SETTLE_LINE, lineId, data, { delayMs: start.delayMs });
  };

/**
 * The issue-receipt job of a payment that turned final; its id is the payment id (no ':').
 * `fresh`: added by the move to final itself (see SettlementJobData.fresh).
 */
export const enqueueReceipt = (queue: SettlementQueue, paymentId: string, { fresh = false } = {}) =>
  addOnce(queue, ISSUE_RECEIPT, paymentId, { paymentId, ...(fresh ? { fresh: true } : {}) });
