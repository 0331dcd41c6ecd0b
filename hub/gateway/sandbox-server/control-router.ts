import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { z } from 'zod';
import { notFound, SandboxApiError } from './api-error.js';
import type { WebhookSender } from './webhook-sender.js';

const replaySchema = z.object({ eventId: z.string().min(1) });

/**
 * Test controls: POST /__sandbox/webhooks/replay {eventId} re-sends a past event as it was
 * (same id, fresh signature), GET /__sandbox/webhooks[?order=] shows deliveries,
 * GET /__sandbox/health.
 */
export function controlRouter(sender: WebhookSender): Router {
  const router = new Router({ prefix: '/__sandbox' });

  router.post('/webhooks/replay', bodyParser({ enableTypes: ['json'] }), (ctx) => {
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

  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  return router;
}
