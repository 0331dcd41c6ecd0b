import Router from '@koa/router';
import { z } from 'zod';
import { SandboxApiError } from './api-error.js';
import { bearerAuth } from './auth.js';
import type { SettlementJournal } from './settlement-journal.js';

const dateSchema = z.iso.date();

/**
 * GET /v1/reports/settlements?date=YYYY-MM-DD (Bearer API key): the day's settlement report,
 * one row per order with what was captured, refunded, the fee and the net payout. A day with no
 * movement (or one not yet come) is an empty report.
 */
export function reportRouter(apiKey: string, journal: SettlementJournal): Router {
  const router = new Router({ prefix: '/v1/reports' });
  router.use(bearerAuth(apiKey));
  router.get('/settlements', (ctx) => {
    const date = dateSchema.safeParse(ctx.query.date);
    if (!date.success) throw new SandboxApiError(422, 'invalid_request', 'date must be YYYY-MM-DD');
    ctx.body = journal.report(date.data);
  });
  return router;
}
