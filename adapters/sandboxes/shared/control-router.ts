import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { z } from 'zod';
import type { FaultBook } from './faults.js';
import type { PostingBook } from './posting-book.js';

const faultSchema = z.discriminatedUnion('kind', [
  z.object({ consumer: z.string().min(1), kind: z.literal('error_5xx'), times: z.number().int().positive() }),
  z.object({ consumer: z.string().min(1), kind: z.literal('latency'), ms: z.number().int().positive().max(120_000) }),
  z.object({
    consumer: z.string().min(1),
    kind: z.literal('pending_then_accept'),
    ms: z.number().int().positive().max(600_000),
  }),
]);

/**
 * The sandbox's test controls, the same on every sandbox:
 * POST /__sandbox/faults {consumer, kind, times|ms}, DELETE /__sandbox/faults,
 * GET /__sandbox/postings?reference=... -> {count}, GET /__sandbox/health.
 */
export function sandboxControlRouter(faults: FaultBook, postings: PostingBook): Router {
  const router = new Router({ prefix: '/__sandbox' });
  router.post('/faults', bodyParser({ enableTypes: ['json'] }), (ctx) => {
    const parsed = faultSchema.safeParse(ctx.request.body);
    if (!parsed.success) {
      ctx.status = 400;
      ctx.body = { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
      return;
    }
    const { consumer, ...fault } = parsed.data;
    faults.inject(consumer, fault);
    ctx.status = 204;
  });
  router.delete('/faults', (ctx) => {
    faults.reset();
    ctx.status = 204;
  });
  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/postings', (ctx) => {
    ctx.body = { count: postings.count(String(ctx.query.reference ?? '')) };
  });
  return router;
}
