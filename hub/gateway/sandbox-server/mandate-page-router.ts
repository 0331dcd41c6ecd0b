import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import type { MandateBook } from './mandate-book.js';
import { mandateDecidedPage, mandateNotFoundPage, mandatePage, mandateReturnLocation } from './mandate-page.js';

const decisionSchema = z.object({ decision: z.enum(['approve', 'decline']) });
const CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

function html(ctx: Koa.Context, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Content-Security-Policy', CSP);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

/**
 * The hosted approval page: GET /mandates/:id shows the terms, POST /mandates/:id records the
 * citizen's decision (approve or decline) and sends them back with 303 to `returnUrl?mandate=<id>`.
 */
export function mandatePageRouter(mandates: MandateBook): Router {
  const router = new Router({ prefix: '/mandates' });

  router.get('/:id', (ctx) => {
    const id = ctx.params.id ?? '';
    const mandate = mandates.find(id);
    if (!mandate) return html(ctx, 404, mandateNotFoundPage(id));
    html(ctx, 200, mandate.status === 'pending_approval' ? mandatePage(mandate) : mandateDecidedPage(mandate));
  });

  router.post('/:id', bodyParser({ enableTypes: ['form'] }), (ctx) => {
    const id = ctx.params.id ?? '';
    const mandate = mandates.find(id);
    if (!mandate) return html(ctx, 404, mandateNotFoundPage(id));
    const choice = decisionSchema.safeParse(ctx.request.body);
    if (!choice.success) return html(ctx, 422, mandatePage(mandate));
    // A second submit (back button, double click) changes nothing and lands where the first did.
    if (mandate.status === 'pending_approval') mandates.decide(id, choice.data.decision);
    ctx.redirect(mandateReturnLocation(mandate));
    ctx.status = 303;
  });

  return router;
}
