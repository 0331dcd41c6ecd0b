import { createHash, timingSafeEqual } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import Router, { type RouterMiddleware } from '@koa/router';
import Koa from 'koa';
import { z } from 'zod';
import { sandboxControlRouter } from '../../sandboxes/shared/control-router.js';
import { FaultBook } from '../../sandboxes/shared/faults.js';
import { PostingBook, type SandboxPosting } from '../../sandboxes/shared/posting-book.js';
import { daysFromToday } from '../../sandboxes/shared/seeded.js';
import type { ConsumerRef } from '../../sdk/contract.js';
import { collectionReportRoute } from './collection-report.js';
import { DEFAULT_SEED, generateConsumers, type SandboxConsumer } from './data.js';

/**
 * The state discom's billing API v2 as the adapter meets it in production: JSON, an
 * X-Api-Key header, rupee decimal strings, `{ errorCode, message }` refusals.
 */

export const ELECTRICITY_DISCOM_SANDBOX_PORT = 4101;

export interface SandboxCredentials {
  apiKey: string;
}

/** What `npm start` runs the sandbox with, and gives the adapter as its options. */
export const defaultSandboxCredentials: SandboxCredentials = Object.freeze({
  apiKey: 'sandbox-state-electricity-0001',
});

export interface ElectricityDiscomSandboxOptions {
  seed?: number;
  /** Consumers on the books (default 200; bounds in shared/population.ts): the seeded first ones never change. */
  consumers?: number;
  credentials?: SandboxCredentials;
  /** The clock that decides whether a bill is late (by the Indian date); tests set it. */
  clock?: () => Date;
}

/** The consumer a fault is injected for: the sandbox keys faults by consumer number. */
export const sandboxConsumerKey = (consumer: ConsumerRef): string => consumer.consumerNumber ?? '';

const RECEIPT_PREFIX = 'RCP';
const CONSUMER_NUMBER = /^\d{10,12}$/;

const paymentSchema = z.object({
  consumerNumber: z.string().regex(CONSUMER_NUMBER),
  billNo: z.string().min(1).max(40),
  amount: z.string().regex(/^\d{1,10}\.\d{2}$/, 'rupees with two decimals'),
  txnRef: z.string().min(1).max(64),
  txnDate: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO 8601 date-time'),
});

const rupees = (minor: number) => {
  const digits = String(minor).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
};
/** "1234.50" to paise by its digits; the schema has already checked the shape. */
const paise = (amount: string) => Number(amount.replace('.', ''));

function billBody(consumer: SandboxConsumer) {
  const { bill } = consumer;
  return {
    consumer: { number: consumer.number, name: consumer.name, category: consumer.category },
    bill: {
      billNo: bill.billNo,
      billDate: bill.billDate,
      dueDate: bill.dueDate,
      periodFrom: bill.periodFrom,
      periodTo: bill.periodTo,
      unitsConsumed: bill.unitsConsumed,
      slabs: bill.slabs.map((slab) => ({
        fromUnit: slab.fromUnit,
        toUnit: slab.toUnit,
        rate: rupees(slab.ratePaise),
        amount: rupees(slab.amountMinor),
      })),
      fixedCharge: rupees(bill.fixedChargeMinor),
      electricityDuty: rupees(bill.dutyMinor),
      arrears: rupees(bill.arrearsMinor),
      totalDue: rupees(bill.totalDueMinor),
      lateFee: rupees(bill.lateFeeMinor),
    },
  };
}

const WIRE_STATUS: Record<SandboxPosting['state'], string> = {
  accepted: 'SUCCESS',
  pending: 'PENDING',
  rejected: 'FAILED',
};

function paymentBody(posting: SandboxPosting) {
  return {
    // A refused payment gets no receipt.
    ...(posting.state === 'rejected' ? {} : { receiptNo: posting.billerReference }),
    txnRef: posting.reference,
    status: WIRE_STATUS[posting.state],
  };
}

const REFUSALS: Record<string, string> = {
  ACCOUNT_DISCONNECTED: 'the account is disconnected; payments are not accepted',
  BILL_MISMATCH: 'the bill number is not the current bill of this consumer',
  AMOUNT_TOO_LOW: 'the amount is less than the amount payable today',
};

/** Why the discom refuses a new payment, if it does: advance payments are fine, short ones are not. */
function refusalFor(consumer: SandboxConsumer, billNo: string, amountMinor: number, now: Date): string | undefined {
  if (consumer.status === 'DISCONNECTED') return 'ACCOUNT_DISCONNECTED';
  if (billNo !== consumer.bill.billNo) return 'BILL_MISMATCH';
  const late = daysFromToday(0, now) > consumer.bill.dueDate;
  const payable = consumer.bill.totalDueMinor + (late ? consumer.bill.lateFeeMinor : 0);
  return amountMinor < payable ? 'AMOUNT_TOO_LOW' : undefined;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** 401 without a key, 403 with a wrong one; compared in constant time. */
function authenticate(credentials: SandboxCredentials): RouterMiddleware {
  const expected = sha256(credentials.apiKey);
  return async (ctx, next) => {
    const given = ctx.get('x-api-key');
    if (!given) {
      ctx.status = 401;
      ctx.body = { errorCode: 'UNAUTHORIZED', message: 'X-Api-Key header is required' };
      return;
    }
    if (!timingSafeEqual(sha256(given), expected)) {
      ctx.status = 403;
      ctx.body = { errorCode: 'FORBIDDEN', message: 'API key not recognised' };
      return;
    }
    await next();
  };
}

export function createElectricityDiscomSandbox(options: ElectricityDiscomSandboxOptions = {}): Koa {
  const consumers = generateConsumers(options.seed ?? DEFAULT_SEED, options.consumers);
  const faults = new FaultBook();
  const postings = new PostingBook();
  const busy = (ctx: Koa.Context) => {
    ctx.status = 503;
    ctx.body = { errorCode: 'SYSTEM_BUSY' };
  };

  const api = new Router({ prefix: '/v2' });
  api.use(authenticate(options.credentials ?? defaultSandboxCredentials));

  api.get('/consumers/:consumerNumber/bill', async (ctx) => {
    const number = ctx.params.consumerNumber ?? '';
    if (!CONSUMER_NUMBER.test(number)) {
      ctx.status = 400;
      ctx.body = { errorCode: 'INVALID_CONSUMER_NUMBER', message: 'consumer number is 10 to 12 digits' };
      return;
    }
    if ((await faults.apply(number)).kind === 'error_5xx') return busy(ctx);
    const consumer = consumers.get(number);
    if (!consumer) {
      ctx.status = 404;
      ctx.body = { errorCode: 'CONSUMER_NOT_FOUND', message: `no consumer ${number}` };
      return;
    }
    ctx.body = billBody(consumer);
  });

  api.post('/payments', bodyParser({ enableTypes: ['json'] }), async (ctx) => {
    const parsed = paymentSchema.safeParse(ctx.request.body);
    if (!parsed.success) {
      ctx.status = 400;
      ctx.body = {
        errorCode: 'INVALID_REQUEST',
        message: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
      };
      return;
    }
    const payment = parsed.data;
    const action = await faults.apply(payment.consumerNumber);
    if (action.kind === 'error_5xx') return busy(ctx);

    // From here to the answer nothing awaits, so two concurrent repeats cannot both be new.
    const existing = postings.find(payment.txnRef);
    if (existing) {
      ctx.status = existing.state === 'rejected' ? 422 : 200;
      ctx.body =
        existing.state === 'rejected'
          ? { errorCode: existing.rejectCode, message: REFUSALS[existing.rejectCode ?? ''] }
          : paymentBody(existing);
      return;
    }
    const consumer = consumers.get(payment.consumerNumber);
    if (!consumer) {
      ctx.status = 404;
      ctx.body = { errorCode: 'CONSUMER_NOT_FOUND', message: `no consumer ${payment.consumerNumber}` };
      return;
    }
    const amountMinor = paise(payment.amount);
    // An injected rejection answers as a disconnected account does: refused for good.
    const rejectCode =
      action.kind === 'reject'
        ? 'ACCOUNT_DISCONNECTED'
        : refusalFor(consumer, payment.billNo, amountMinor, options.clock?.() ?? new Date());
    const pending = !rejectCode && action.kind === 'pending';
    const posting = postings.record(
      {
        reference: payment.txnRef,
        consumerKey: consumer.number,
        billNumber: payment.billNo,
        amountMinor,
        state: rejectCode ? 'rejected' : pending ? 'pending' : 'accepted',
        ...(pending ? { confirmAt: Date.now() + action.confirmAfterMs } : {}),
        ...(rejectCode ? { rejectCode } : {}),
      },
      RECEIPT_PREFIX,
    );
    if (rejectCode) {
      ctx.status = 422;
      ctx.body = { errorCode: rejectCode, message: REFUSALS[rejectCode] };
      return;
    }
    ctx.status = 201;
    ctx.body = paymentBody(posting);
  });

  api.get('/payments/:txnRef', async (ctx) => {
    const txnRef = ctx.params.txnRef ?? '';
    const action = await faults.apply(postings.find(txnRef)?.consumerKey);
    if (action.kind === 'error_5xx') return busy(ctx);
    // Looked up again after any injected latency: a pending posting may have been confirmed meanwhile.
    const posting = postings.find(txnRef);
    if (!posting) {
      ctx.status = 404;
      ctx.body = { errorCode: 'TXN_NOT_FOUND', message: `no payment ${txnRef}` };
      return;
    }
    ctx.body = paymentBody(posting);
  });

  collectionReportRoute(api, postings);

  const control = sandboxControlRouter(faults, postings);
  const app = new Koa();
  // Whatever goes wrong (bad JSON, a bug) is still answered in the discom's own shape.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (caught) {
      const status = Number((caught as { status?: number }).status) || 500;
      ctx.status = status;
      ctx.body =
        status < 500
          ? { errorCode: 'INVALID_REQUEST', message: (caught as Error).message }
          : { errorCode: 'INTERNAL_ERROR', message: 'internal error' };
    }
  });
  app.use(control.routes()).use(control.allowedMethods());
  app.use(api.routes()).use(api.allowedMethods());
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { errorCode: 'NOT_FOUND', message: `no route ${ctx.method} ${ctx.path}` };
  });
  return app;
}
