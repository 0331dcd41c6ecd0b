import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { z } from 'zod';
import { SandboxApiError } from './api-error.js';
import { bearerAuth } from './auth.js';
import { orderBody, refundBody } from './bodies.js';
import { METHODS, type OrderBook, OUTCOMES } from './order-book.js';
import type { PaymentFlow } from './payment-flow.js';

const createOrderSchema = z.object({
  merchantRef: z.string().min(1).max(64),
  amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  // The sandbox, like the hub, only takes rupees.
  currency: z.literal('INR'),
  returnUrl: z.url({ protocol: /^https?$/ }),
  description: z.string().max(255),
  /** After it the hosted page takes no money (the order becomes expired), like expire_by. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
const refundSchema = z.object({
  amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** The merchant's reference, listed with the refund forever (GET /v1/orders/:id/refunds). */
  reference: z.string().min(1).max(255).optional(),
});
// `card`: a test card number (method card), which the order then carries as a fingerprint.
const simulateSchema = z.object({
  outcome: z.enum(OUTCOMES),
  method: z.enum(METHODS),
  card: z
    .string()
    .regex(/^\d{12,19}$/)
    .optional(),
});
const idempotencyKey = z.string().min(1).max(255);

function parsed<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const message = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
  throw new SandboxApiError(422, 'invalid_request', message);
}

export interface ApiDeps {
  apiKey: string;
  publicUrl: string;
  book: OrderBook;
  flow: PaymentFlow;
}

/**
 * The merchant API, Bearer API key: POST /v1/orders, GET /v1/orders/:id, POST /v1/orders/:id/cancel,
 * POST /v1/orders/:id/refunds (Idempotency-Key), GET /v1/orders/:id/refunds, POST /v1/orders/:id/simulate.
 */
export function apiRouter({ apiKey, publicUrl, book, flow }: ApiDeps): Router {
  const router = new Router({ prefix: '/v1' });
  const json = bodyParser({ enableTypes: ['json'] });
  router.use(bearerAuth(apiKey));

  router.post('/orders', json, (ctx) => {
    const input = parsed(createOrderSchema, ctx.request.body);
    const { order, created } = book.open({
      merchantRef: input.merchantRef,
      amountMinor: input.amount,
      currency: input.currency,
      description: input.description,
      returnUrl: input.returnUrl,
      ...(input.expiresAt ? { expiresAt: new Date(input.expiresAt).toISOString() } : {}),
    });
    ctx.status = created ? 201 : 200;
    ctx.body = orderBody(order, publicUrl);
  });

  router.get('/orders/:id', (ctx) => {
    ctx.body = orderBody(book.get(ctx.params.id ?? ''), publicUrl);
  });

  router.post('/orders/:id/refunds', json, (ctx) => {
    const key = ctx.get('idempotency-key');
    if (!idempotencyKey.safeParse(key).success) {
      throw new SandboxApiError(422, 'idempotency_key_required', 'an Idempotency-Key header of 1 to 255 characters');
    }
    const { amount, reference } = parsed(refundSchema, ctx.request.body);
    const { refund, created } = flow.refund(ctx.params.id ?? '', key, amount, reference);
    ctx.status = created ? 201 : 200;
    ctx.body = refundBody(refund);
  });

  router.get('/orders/:id/refunds', (ctx) => {
    ctx.body = { refunds: book.refunds(ctx.params.id ?? '').map(refundBody) };
  });

  // An unpaid order can no longer be paid; a captured or pending one is 409 order_not_cancellable.
  router.post('/orders/:id/cancel', (ctx) => {
    ctx.body = orderBody(book.cancel(ctx.params.id ?? ''), publicUrl);
  });

  // Test control: what the hosted form does, without a browser.
  router.post('/orders/:id/simulate', json, (ctx) => {
    const { outcome, method, card } = parsed(simulateSchema, ctx.request.body);
    ctx.body = orderBody(flow.settle(ctx.params.id ?? '', outcome, method, card), publicUrl);
  });

  return router;
}
