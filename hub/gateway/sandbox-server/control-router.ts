import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { z } from 'zod';
import { notFound, SandboxApiError } from './api-error.js';
import type { MandateBook } from './mandate-book.js';
import { OUTCOMES } from './order-book.js';
import type { GatewayTestFaults } from './test-faults.js';
import type { WebhookSender } from './webhook-sender.js';

const replaySchema = z.object({ eventId: z.string().min(1) });
const order = z.string().min(1);
const faultSchema = z.discriminatedUnion('kind', [
  z.object({ order, kind: z.literal('drop_webhooks') }),
  z.object({ order, kind: z.literal('partial_capture'), amount: z.number().int().positive() }),
  z.object({ mandate: z.string().min(1), kind: z.literal('mandate_charge'), outcome: z.enum(OUTCOMES) }),
]);

/**
 * Test controls: POST /__sandbox/webhooks/replay {eventId} re-sends a past event as it was
 * (same id, fresh signature), GET /__sandbox/webhooks[?order=] shows deliveries,
 * POST /__sandbox/faults {order, kind: drop_webhooks | partial_capture, amount?} or
 * {mandate, kind: mandate_charge, outcome: success | failure | pending} (how its next charges end),
 * DELETE /__sandbox/faults, GET /__sandbox/refunds[?order=] lists refunds with their keys,
 * GET /__sandbox/health.
 */
export function controlRouter(sender: WebhookSender, faults?: GatewayTestFaults, mandates?: MandateBook): Router {
  const router = new Router({ prefix: '/__sandbox' });
  const json = bodyParser({ enableTypes: ['json'] });

  router.post('/webhooks/replay', json, (ctx) => {
    const parsed = replaySchema.safeParse(ctx.request.body);
    if (!parsed.success) throw new SandboxApiError(422, 'invalid_request', 'eventId is required');
    if (!sender.replay(parsed.data.eventId)) throw notFound('event', parsed.data.eventId);
    ctx.status = 202;
    ctx.body = { eventId: parsed.data.eventId };
  });

  router.get('/webhooks', (ctx) => {
    const order = typeof ctx.query.order === 'string' ? ctx.query.order : undefined;
    ctx.body = { deliveries: sender.deliveries(order) };
  });

  if (faults) {
    router.post('/faults', json, (ctx) => {
      const parsed = faultSchema.safeParse(ctx.request.body);
      if (!parsed.success) {
        const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
        throw new SandboxApiError(422, 'invalid_request', why);
      }
      const fault = parsed.data;
      if (fault.kind === 'drop_webhooks') faults.dropWebhooks(fault.order);
      else if (fault.kind === 'partial_capture') faults.capturePartially(fault.order, fault.amount);
      else if (mandates) mandates.get(fault.mandate).chargeOutcome = fault.outcome;
      ctx.status = 204;
    });
    router.delete('/faults', (ctx) => {
      faults.reset();
      ctx.status = 204;
    });
    router.get('/refunds', (ctx) => {
      ctx.body = { refunds: faults.refundsOf(typeof ctx.query.order === 'string' ? ctx.query.order : undefined) };
    });
  }

  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  return router;
}
