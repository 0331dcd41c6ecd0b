import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { z } from 'zod';
import type { FaultBook } from './faults.js';
import type { PostingBook } from './posting-book.js';

/** Optional limits any fault takes: the next N calls, or a span of ms from its injection. */
const limits = {
  times: z.number().int().positive().optional(),
  forMs: z.number().int().positive().max(3_600_000).optional(),
};
const consumer = z.string().min(1);

const faultSchema = z.discriminatedUnion('kind', [
  z.object({ consumer, kind: z.literal('error_5xx'), times: z.number().int().positive(), forMs: limits.forMs }),
  z.object({ consumer, kind: z.literal('latency'), ms: z.number().int().positive().max(120_000), ...limits }),
  z.object({
    consumer,
    kind: z.literal('pending_then_accept'),
    ms: z.number().int().positive().max(600_000),
    ...limits,
  }),
  z.object({ consumer, kind: z.literal('reject'), ...limits }),
]);

/** A fault kind a sandbox can play. */
export type FaultKind = z.infer<typeof faultSchema>['kind'];
const ALL_KINDS: readonly FaultKind[] = ['error_5xx', 'latency', 'pending_then_accept', 'reject'];

/**
 * The fault controls every sandbox has, for the fault kinds it plays (all by default):
 * POST /__sandbox/faults {consumer, kind, times|ms, forMs?} (400 for a kind it does not play),
 * DELETE /__sandbox/faults[?consumer=], GET /__sandbox/health. A sandbox adds its own
 * controls to the router it returns.
 */
export function sandboxFaultRouter(faults: FaultBook, kinds: readonly FaultKind[] = ALL_KINDS): Router {
  const router = new Router({ prefix: '/__sandbox' });
  router.post('/faults', bodyParser({ enableTypes: ['json'] }), (ctx) => {
    const parsed = faultSchema.safeParse(ctx.request.body);
    if (!parsed.success || !kinds.includes(parsed.data.kind)) {
      ctx.status = 400;
      ctx.body = {
        error: parsed.success
          ? `kind: this sandbox plays only ${kinds.join(', ')} faults`
          : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      };
      return;
    }
    const { consumer: key, ...fault } = parsed.data;
    faults.inject(key, fault);
    ctx.status = 204;
  });
  router.delete('/faults', (ctx) => {
    faults.reset(typeof ctx.query.consumer === 'string' ? ctx.query.consumer : undefined);
    ctx.status = 204;
  });
  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  return router;
}

/**
 * The sandbox's test controls, the same on every sandbox:
 * POST /__sandbox/faults {consumer, kind, times|ms, forMs?} (kinds error_5xx, latency,
 * pending_then_accept, reject), DELETE /__sandbox/faults[?consumer=],
 * GET /__sandbox/postings?reference=... -> {count, state?, amountMinor?, billNumber?},
 * GET /__sandbox/health.
 */
export function sandboxControlRouter(faults: FaultBook, postings: PostingBook): Router {
  const router = sandboxFaultRouter(faults);
  router.get('/postings', (ctx) => {
    const reference = String(ctx.query.reference ?? '');
    // find() settles a pending posting whose confirmation time has come, as a status call would.
    const posting = postings.find(reference);
    ctx.body = {
      count: postings.count(reference),
      ...(posting ? { state: posting.state, amountMinor: posting.amountMinor, billNumber: posting.billNumber } : {}),
    };
  });
  return router;
}
