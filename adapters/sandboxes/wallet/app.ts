import { createHash, timingSafeEqual } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import type { z } from 'zod';
import { sandboxFaultRouter } from '../shared/control-router.js';
import { FaultBook } from '../shared/faults.js';
import { type SandboxWalletOptions, sandboxWalletConfig } from './options.js';
import { type SandboxTransfer, TransferBook, TransferConflictError } from './transfer-book.js';
import { seedTransferSchema, verifyRequestSchema } from './wire.js';

export {
  defaultSandboxWalletCredentials,
  SANDBOX_WALLET_PORT,
  type SandboxWalletOptions,
} from './options.js';
export type { SandboxTransfer } from './transfer-book.js';

/** The fault key that applies to every wallet number. */
export const ANY_WALLET = '*';

const sha256 = (value: string) => createHash('sha256').update(value).digest();

function reply(ctx: Koa.Context, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.body = { error: { code, message } };
}

function parsed<T>(ctx: Koa.Context, schema: z.ZodType<T>): T | undefined {
  const result = schema.safeParse(ctx.request.body);
  if (result.success) return result.data;
  reply(ctx, 422, 'invalid_request', result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return undefined;
}

const transferBody = (t: SandboxTransfer) => ({
  transactionId: t.transactionId,
  payerWallet: t.payerWallet,
  payee: t.payee,
  amount: t.amountMinor,
  currency: t.currency,
  paidAt: t.paidAt,
});

/**
 * A mobile wallet for dev and tests, holding transfers in memory.
 *
 * - `POST /v1/transfers/verify` (Bearer) `{ walletNumber, transactionId, payee? }` -> 200
 *   `{ result: verified, transfer }` | `{ result: not_found }` | `{ result: wallet_mismatch }` (the
 *   transfer came from another wallet; nothing about it is revealed) | `{ result: payee_mismatch }`.
 * - `POST /__sandbox/transfers` `{ transactionId?, payerWallet, payee?, amount, paidAt? }` -> 201 new /
 *   200 the same again / 409 `transaction_conflict`; `GET /__sandbox/transfers[?transactionId=]` lists
 *   them with how often each was verified.
 * - `POST /__sandbox/faults` `{ consumer: <wallet number> | "*", kind: error_5xx | latency, times|ms, forMs? }`
 *   (the shared faults), `DELETE /__sandbox/faults[?consumer=]`, `GET /__sandbox/health`.
 */
export function createWalletSandbox(options: SandboxWalletOptions): Koa & { book: TransferBook; faults: FaultBook } {
  const config = sandboxWalletConfig(options);
  const book = new TransferBook();
  const faults = new FaultBook();
  const expectedKey = sha256(config.apiKey);
  const json = bodyParser({ enableTypes: ['json'] });

  const api = new Router({ prefix: '/v1' });
  api.use(async (ctx, next) => {
    const [scheme, given] = ctx.get('authorization').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !given || !timingSafeEqual(sha256(given), expectedKey)) {
      return reply(ctx, 401, 'unauthorized', 'a valid Authorization: Bearer <api key> header is required');
    }
    await next();
  });
  api.post('/transfers/verify', json, async (ctx) => {
    const input = parsed(ctx, verifyRequestSchema);
    if (!input) return;
    let action = await faults.apply(input.walletNumber);
    if (action.kind === 'none') action = await faults.apply(ANY_WALLET);
    if (action.kind === 'error_5xx') return reply(ctx, 503, 'unavailable', 'the wallet is unavailable, try again');
    const transfer = book.lookUp(input.transactionId);
    if (!transfer) ctx.body = { result: 'not_found' };
    else if (transfer.payerWallet !== input.walletNumber) ctx.body = { result: 'wallet_mismatch' };
    else if (input.payee && transfer.payee !== input.payee) ctx.body = { result: 'payee_mismatch' };
    else ctx.body = { result: 'verified', transfer: transferBody(transfer) };
  });

  // The shared fault controls (5xx and latency are what a wallet plays), then the wallet's own.
  const control = sandboxFaultRouter(faults, ['error_5xx', 'latency']);
  control.post('/transfers', json, (ctx) => {
    const input = parsed(ctx, seedTransferSchema);
    if (!input) return;
    try {
      const { transfer, created } = book.seed({
        transactionId: input.transactionId ?? TransferBook.newTransactionId(),
        payerWallet: input.payerWallet,
        payee: input.payee ?? config.defaultPayee,
        amountMinor: input.amount,
        currency: input.currency,
        paidAt: new Date(input.paidAt ?? Date.now()).toISOString(),
      });
      ctx.status = created ? 201 : 200;
      ctx.body = transferBody(transfer);
    } catch (error) {
      if (!(error instanceof TransferConflictError)) throw error;
      reply(ctx, 409, 'transaction_conflict', error.message);
    }
  });
  control.get('/transfers', (ctx) => {
    const id = typeof ctx.query.transactionId === 'string' ? ctx.query.transactionId : undefined;
    ctx.body = {
      transfers: book
        .list()
        .filter((t) => !id || t.transactionId === id)
        .map((t) => ({ ...transferBody(t), verifications: book.verificationsOf(t.transactionId) })),
    };
  });

  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (caught) {
      // The body parser's own errors (400, 413, 415) say what was wrong; anything else is a bug.
      const status = Number((caught as { status?: number }).status) || 500;
      if (status < 500) reply(ctx, status, 'invalid_request', (caught as Error).message);
      else reply(ctx, 500, 'internal_error', 'internal error');
    }
  });
  app.use(api.routes()).use(api.allowedMethods());
  app.use(control.routes()).use(control.allowedMethods());
  app.use((ctx) => reply(ctx, 404, 'not_found', `no route ${ctx.method} ${ctx.path}`));
  return Object.assign(app, { book, faults });
}
