import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { Bill } from '../../adapters/sdk/contract.js';
import { payableOn } from '../../adapters/sdk/index.js';
import { Ledger } from '../../hub/ledger/ledger.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import { type NewPaymentLine, PaymentStore } from '../../hub/payments/payment-store.js';
import { hashRequest } from '../../hub/payments/request-hash.js';
import type { LineDeps } from '../../hub/settlement/deps.js';
import { type SettlementOptionsInput, settlementOptions } from '../../hub/settlement/options.js';
import { enqueueSettlement, paymentJobId, type SettlementQueue, settlementQueue } from '../../hub/settlement/queue.js';
import { type SettlementWorker, startSettlementWorker } from '../../hub/settlement/worker.js';
import { createLogger } from '../../infra/logger.js';
import { createRedis, type Redis } from '../../infra/redis.js';
import { isolatedMongo, redisUrl, uniqueName } from '../support/isolation.js';
import { BILLERS, type Billers, KINDS, type Kind, startBillers } from './billers.js';
import { type Gateway, startGateway } from './gateway.js';

/** One bill of a payment: which biller, and whether its consumer is one the biller refuses payments for. */
export interface LineSpec {
  kind: Kind;
  rejecting?: boolean;
}

export const ALL_THREE: LineSpec[] = KINDS.map((kind) => ({ kind }));

/** Small delays, so retries and polls take milliseconds. */
export const TEST_OPTIONS = {
  attempts: 4,
  backoffMs: 40,
  pollDelayMs: 100,
  maxPolls: 50,
  concurrency: 8,
  // An unknown line's first status enquiry is due at once; tests call the enquiry themselves.
  enquiryDelayMs: 0,
} satisfies SettlementOptionsInput;

const FINAL = ['completed', 'partially_refunded', 'refunded'];
const today = () => new Date().toISOString().slice(0, 10);

export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await check();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

export interface Harness {
  billers: Billers;
  gateway: Gateway;
  mongoUri: string;
  dbName: string;
  payments: PaymentStore;
  ledger: Ledger;
  /** This file's queue location and test delays. */
  options: SettlementOptionsInput & { prefix: string; queueName: string };
  queue: SettlementQueue;
  /** Payments the hook announced as final, in order. */
  announced: Payment[];
  lineDeps(): LineDeps;
  connect(): Redis;
  startWorker(options?: SettlementOptionsInput): SettlementWorker;
  /** Created, paid at the sandbox gateway and captured, with the capture in the ledger unless told not to. */
  capturedPayment(specs: LineSpec[], recordCapture?: boolean): Promise<Payment>;
  /** Captured and moved to settling, as checkout does before it calls enqueueSettlement. */
  settlingPayment(specs: LineSpec[]): Promise<Payment>;
  /** settlingPayment, then enqueueSettlement. */
  settle(specs: LineSpec[]): Promise<Payment>;
  /** Waits until the payment is final and its jobs (settle-payment, settle-line) have finished; returns the payment. */
  finished(paymentId: string, timeoutMs?: number): Promise<Payment>;
  /** Every payment this test made, checked against the ledger. */
  ledgerProblems(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startHarness(label: string): Promise<Harness> {
  const [billers, gateway, mongo] = await Promise.all([startBillers(), startGateway(), isolatedMongo(label)]);
  const payments = new PaymentStore(mongo.conn);
  const ledger = new Ledger(mongo.conn);
  await Promise.all([payments.init(), ledger.init()]);
  const log = createLogger(label, process.env.TEST_LOG_LEVEL ?? 'silent');
  // A prefix of its own keeps this file's queue apart from every other file's on the shared Redis.
  const options = { ...TEST_OPTIONS, prefix: uniqueName(label), queueName: 'settlement' };
  const connections: Redis[] = [];
  const workers: SettlementWorker[] = [];
  const connect = () => {
    const redis = createRedis(redisUrl(), { forBlockingCommands: true });
    connections.push(redis);
    return redis;
  };
  const queue = settlementQueue(connect(), options);
  const announced: Payment[] = [];
  const made: string[] = [];

  // Bills are fetched before any test injects a fault; the sandboxes' bills do not change.
  const bills = new Map<string, Bill | undefined>();
  for (const kind of KINDS) {
    for (const rejecting of [false, true]) {
      const { billerId, known, rejecting: refused } = BILLERS[kind];
      const bill = await billers.registry
        .get(billerId)
        ?.operations.fetchBill(rejecting ? refused : known)
        .catch(() => undefined);
      bills.set(`${kind}:${rejecting}`, bill);
    }
  }
  const lineFor = ({ kind, rejecting = false }: LineSpec): NewPaymentLine => {
    const { billerId, known, rejecting: refused } = BILLERS[kind];
    const bill = bills.get(`${kind}:${rejecting}`);
    return {
      billerId,
      consumer: rejecting ? refused : known,
      consumerMasked: '******',
      billNumber: bill?.billNumber ?? 'UNKNOWN',
      amountMinor: bill ? payableOn(bill, today()) : 10_000,
    };
  };

  const lineDeps = (): LineDeps => ({
    payments,
    ledger,
    billers: billers.registry,
    gateway: gateway.client,
    log,
    onPaymentFinal: (payment) => {
      announced.push(payment);
    },
    options: settlementOptions(options),
  });

  const capturedPayment = async (specs: LineSpec[], recordCapture = true): Promise<Payment> => {
    const lines = specs.map(lineFor);
    const { payment } = await payments.create({
      citizenSub: `citizen-${randomUUID()}`,
      idempotencyKey: randomUUID(),
      requestHash: hashRequest({ lines }),
      lines,
    });
    made.push(payment._id);
    const orderId = await gateway.capturedOrder(payment._id, payment.totalMinor);
    await payments.transitionPayment(payment._id, 'created', 'awaiting_payment', 'checkout.started', {
      gateway: { orderId },
    });
    const captured = await payments.transitionPayment(payment._id, 'awaiting_payment', 'captured', 'gateway.captured', {
      gateway: { method: 'upi', capturedMinor: payment.totalMinor },
    });
    if (!captured) throw new Error('capture failed in the harness');
    if (recordCapture) await ledger.recordCapture(captured);
    return captured;
  };

  const settlingPayment = async (specs: LineSpec[]): Promise<Payment> => {
    const captured = await capturedPayment(specs);
    const settling = await payments.transitionPayment(captured._id, 'captured', 'settling', 'settlement.started');
    if (!settling) throw new Error('settling failed in the harness');
    return settling;
  };

  return {
    billers,
    gateway,
    mongoUri: inject('mongoUri'),
    dbName: mongo.conn.name,
    payments,
    ledger,
    options,
    queue,
    announced,
    lineDeps,
    connect,
    startWorker: (overrides = {}) => {
      const { options: resolved, ...deps } = lineDeps();
      const worker = startSettlementWorker({ ...deps, connection: connect(), options: { ...resolved, ...overrides } });
      workers.push(worker);
      return worker;
    },
    capturedPayment,
    settlingPayment,
    settle: async (specs) => {
      const payment = await settlingPayment(specs);
      await enqueueSettlement(queue, payment);
      return payment;
    },
    finished: (paymentId, timeoutMs) =>
      waitFor(
        `payment ${paymentId} and its jobs to finish`,
        async () => {
          const payment = await payments.findById(paymentId);
          if (!payment || !FINAL.includes(payment.status)) return undefined;
          // A payment the capture moved to settling has one settle-payment job, and a settle-line job
          // for each line it handed over; any other, a settle-line job per line.
          const ids = [paymentJobId(paymentId), ...payment.lines.map((l) => l._id)];
          const jobs = (await Promise.all(ids.map((id) => queue.getJob(id)))).filter((job) => job !== undefined);
          const states = await Promise.all(jobs.map((job) => job.getState()));
          return jobs.length > 0 && states.every((s) => s === 'completed' || s === 'failed') && payment;
        },
        timeoutMs,
      ),
    ledgerProblems: async () => {
      const problems = (await Promise.all(made.map((id) => ledger.checkLedger(id)))).flatMap((r) => r.problems);
      made.length = 0;
      return problems;
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
      await queue.obliterate({ force: true });
      await queue.close();
      await Promise.all(connections.map((c) => c.quit()));
      await Promise.all([billers.close(), gateway.close(), mongo.drop()]);
    },
  };
}
