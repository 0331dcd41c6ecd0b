import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { sandboxControlRouter } from '../../sandboxes/shared/control-router.js';
import { FaultBook } from '../../sandboxes/shared/faults.js';
import { PostingBook, type SandboxPosting } from '../../sandboxes/shared/posting-book.js';
import { wirePaymentRequestSchema } from '../wire.js';
import { createAccounts, type SandboxAccount } from './data.js';

/** The biller's API as the adapter meets it (edit with wire.ts): JSON, an X-Api-Key header, paise. */

/** What `npm start` runs the sandbox with, and gives the adapter as its options. */
export const defaultSandboxCredentials = Object.freeze({ apiKey: 'sandbox-template-biller-0001' });

export interface TemplateBillerSandboxOptions {
  /** Accounts on the books (default 200; bounds in shared/population.ts). */
  consumers?: number;
  apiKey?: string;
}

const STATE: Record<SandboxPosting['state'], string> = { accepted: 'POSTED', pending: 'QUEUED', rejected: 'FAILED' };
const total = (account: SandboxAccount) => account.bill.lines.reduce((sum, line) => sum + line.amountPaise, 0);
const failure = (ctx: Koa.Context, status: number, code: string, message?: string) => {
  ctx.status = status;
  ctx.body = { error: { code, ...(message ? { message } : {}) } };
};
const paymentBody = (posting: SandboxPosting) => ({
  payment: { reference: posting.reference, receiptNo: posting.billerReference, state: STATE[posting.state] },
});

/** The sandbox app: the biller's three calls, and the /__sandbox controls every sandbox has. */
export function createTemplateBillerSandbox(options: TemplateBillerSandboxOptions = {}): Koa {
  const accounts = createAccounts(1, options.consumers);
  const apiKey = options.apiKey ?? defaultSandboxCredentials.apiKey;
  const faults = new FaultBook();
  const postings = new PostingBook();

  const api = new Router({ prefix: '/api/v1' });
  api.use(async (ctx, next) => {
    if (ctx.get('x-api-key') !== apiKey) return failure(ctx, 401, 'UNAUTHORISED', 'X-Api-Key is missing or wrong');
    await next();
  });

  api.get('/accounts/:accountNo/bill', async (ctx) => {
    const accountNo = ctx.params.accountNo ?? '';
    if ((await faults.apply(accountNo)).kind === 'error_5xx') return failure(ctx, 503, 'BUSY');
    const account = accounts.get(accountNo);
    if (!account) return failure(ctx, 404, 'ACCOUNT_NOT_FOUND', `no account ${accountNo}`);
    ctx.body = {
      account: { accountNo, name: account.name },
      bill: { ...account.bill, totalPaise: total(account) },
    };
  });

  api.post('/payments', bodyParser({ enableTypes: ['json'] }), async (ctx) => {
    const parsed = wirePaymentRequestSchema.safeParse(ctx.request.body);
    if (!parsed.success) return failure(ctx, 400, 'INVALID_REQUEST', parsed.error.issues[0]?.message);
    const payment = parsed.data;
    const action = await faults.apply(payment.accountNo);
    if (action.kind === 'error_5xx') return failure(ctx, 503, 'BUSY');
    // Nothing awaits from here to the answer, so two concurrent repeats cannot both be new.
    const existing = postings.find(payment.reference);
    if (existing) {
      if (existing.rejectCode) return failure(ctx, 422, existing.rejectCode);
      ctx.body = paymentBody(existing);
      return;
    }
    const account = accounts.get(payment.accountNo);
    if (!account) return failure(ctx, 404, 'ACCOUNT_NOT_FOUND');
    const rejectCode =
      action.kind === 'reject' || account.closed
        ? 'ACCOUNT_CLOSED'
        : payment.billNo !== account.bill.billNo
          ? 'BILL_MISMATCH'
          : payment.amountPaise !== total(account)
            ? 'AMOUNT_MISMATCH'
            : undefined;
    const pending = !rejectCode && action.kind === 'pending';
    const posting = postings.record(
      {
        reference: payment.reference,
        consumerKey: account.accountNo,
        billNumber: payment.billNo,
        amountMinor: payment.amountPaise,
        state: rejectCode ? 'rejected' : pending ? 'pending' : 'accepted',
        ...(pending ? { confirmAt: Date.now() + action.confirmAfterMs } : {}),
        ...(rejectCode ? { rejectCode } : {}),
      },
      'TBR',
    );
    if (rejectCode) return failure(ctx, 422, rejectCode);
    ctx.status = 201;
    ctx.body = paymentBody(posting);
  });

  api.get('/payments/:reference', async (ctx) => {
    const reference = ctx.params.reference ?? '';
    if ((await faults.apply(postings.find(reference)?.consumerKey)).kind === 'error_5xx') {
      return failure(ctx, 503, 'BUSY');
    }
    const posting = postings.find(reference);
    if (!posting) return failure(ctx, 404, 'PAYMENT_NOT_FOUND');
    ctx.body = paymentBody(posting);
  });

  const control = sandboxControlRouter(faults, postings);
  const app = new Koa();
  app.use(control.routes()).use(control.allowedMethods());
  app.use(api.routes()).use(api.allowedMethods());
  return app;
}
