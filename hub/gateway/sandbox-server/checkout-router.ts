import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import { checkoutPage, notFoundPage, returnLocation, settledPage } from './checkout-page.js';
import { METHODS, type OrderBook, OUTCOMES } from './order-book.js';
import type { PaymentFlow } from './payment-flow.js';

const choiceSchema = z.object({ method: z.enum(METHODS), outcome: z.enum(OUTCOMES) });

// No script may run on the page; the form posts to this origin and then redirects to the merchant.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

function html(ctx: Koa.Context, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Content-Security-Policy', CSP);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

/** 303, so the browser follows with a GET whatever the form's method was. */
function seeOther(ctx: Koa.Context, location: string): void {
  ctx.redirect(location);
  ctx.status = 303;
}

/** The hosted checkout: GET /checkout/:id shows the form, POST /checkout/:id records it and redirects back. */
export function checkoutRouter(book: OrderBook, flow: PaymentFlow): Router {
  const router = new Router({ prefix: '/checkout' });

  router.get('/:id', (ctx) => {
    const id = ctx.params.id ?? '';
    const order = book.find(id);
    if (!order) return html(ctx, 404, notFoundPage(id));
    html(ctx, 200, order.status === 'created' ? checkoutPage(order) : settledPage(order));
  });

  router.post('/:id', bodyParser({ enableTypes: ['form'] }), (ctx) => {
    const id = ctx.params.id ?? '';
    const order = book.find(id);
    if (!order) return html(ctx, 404, notFoundPage(id));
    // A second submit (back button, double click) changes nothing and lands where the first did.
    if (order.status !== 'created') return seeOther(ctx, returnLocation(order));
    const choice = choiceSchema.safeParse(ctx.request.body);
    if (!choice.success) {
      const body = (ctx.request.body ?? {}) as Record<string, string>;
      return html(ctx, 422, checkoutPage(order, 'Choose a payment method and an outcome.', body));
    }
    flow.settle(id, choice.data.outcome, choice.data.method);
    seeOther(ctx, returnLocation(order));
  });

  return router;
}
