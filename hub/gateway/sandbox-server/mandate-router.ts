import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { z } from 'zod';
import { notFound, SandboxApiError } from './api-error.js';
import { bearerAuth } from './auth.js';
import { orderBody } from './bodies.js';
import { mandateBody } from './mandate-body.js';
import type { MandateBook } from './mandate-book.js';
import type { MandateFlow } from './mandate-flow.js';

const createSchema = z.object({
  merchantRef: z.string().min(1).max(64),
  maxAmount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  currency: z.literal('INR'),
  validUntil: z.iso.datetime({ offset: true }),
  returnUrl: z.url({ protocol: /^https?$/ }),
  description: z.string().max(255),
});
const chargeSchema = z.object({
  merchantRef: z.string().min(1).max(64),
  amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  currency: z.literal('INR'),
  description: z.string().max(255),
});
const decisionSchema = z.object({ decision: z.enum(['approve', 'decline']) });

function parsed<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const message = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
  throw new SandboxApiError(422, 'invalid_request', message);
}

export interface MandateApiDeps {
  apiKey: string;
  publicUrl: string;
  mandates: MandateBook;
  flow: MandateFlow;
}

/**
 * The mandate API, Bearer API key: POST /v1/mandates, GET /v1/mandates/:id,
 * POST /v1/mandates/:id/revoke, POST /v1/mandates/:id/charges, GET /v1/mandates/:id/charges/:ref,
 * POST /v1/mandates/:id/simulate (test control: the citizen's decision without a browser).
 */
export function mandateRouter({ apiKey, publicUrl, mandates, flow }: MandateApiDeps): Router {
  const router = new Router({ prefix: '/v1/mandates' });
  const json = bodyParser({ enableTypes: ['json'] });
  router.use(bearerAuth(apiKey));

  router.post('/', json, (ctx) => {
    const input = parsed(createSchema, ctx.request.body);
    const { mandate, created } = mandates.open({
      merchantRef: input.merchantRef,
      maxAmountMinor: input.maxAmount,
      currency: input.currency,
      description: input.description,
      returnUrl: input.returnUrl,
      validUntil: new Date(input.validUntil).toISOString(),
    });
    ctx.status = created ? 201 : 200;
    ctx.body = mandateBody(mandate, publicUrl);
  });

  router.get('/:id', (ctx) => {
    ctx.body = mandateBody(mandates.get(ctx.params.id ?? ''), publicUrl);
  });

  router.post('/:id/revoke', (ctx) => {
    ctx.body = mandateBody(mandates.revoke(ctx.params.id ?? ''), publicUrl);
  });

  router.post('/:id/charges', json, (ctx) => {
    const input = parsed(chargeSchema, ctx.request.body);
    const { order, created } = flow.charge(ctx.params.id ?? '', {
      merchantRef: input.merchantRef,
      amountMinor: input.amount,
      currency: input.currency,
      description: input.description,
    });
    ctx.status = created ? 201 : 200;
    ctx.body = orderBody(order, publicUrl);
  });

  router.get('/:id/charges/:ref', (ctx) => {
    const order = flow.find(ctx.params.id ?? '', ctx.params.ref ?? '');
    if (!order) throw notFound('charge', ctx.params.ref ?? '');
    ctx.body = orderBody(order, publicUrl);
  });

  router.post('/:id/simulate', json, (ctx) => {
    const { decision } = parsed(decisionSchema, ctx.request.body);
    ctx.body = mandateBody(mandates.decide(ctx.params.id ?? '', decision), publicUrl);
  });

  return router;
}
