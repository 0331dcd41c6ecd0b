import type Router from '@koa/router';
import { z } from 'zod';
import { checkoutPage, notFoundPage, returnLocation, settledPage } from './checkout-page.js';
import { hostedPageRouter, html, seeOther } from './hosted-page.js';
import { METHODS, type OrderBook, OUTCOMES } from './order-book.js';
import type { PaymentFlow } from './payment-flow.js';

const choiceSchema = z.object({ method: z.enum(METHODS), outcome: z.enum(OUTCOMES) });

/** The hosted checkout: GET /checkout/:id shows the form, POST /checkout/:id records it and redirects back. */
export function checkoutRouter(book: OrderBook, flow: PaymentFlow): Router {
  return hostedPageRouter({
    prefix: '/checkout',
    find: (id) => book.find(id),
    notFoundPage,
    page: (order) => (order.status === 'created' ? checkoutPage(order) : settledPage(order)),
    submit(ctx, id, order) {
      // A second submit (back button, double click) changes nothing and lands where the first did.
      if (order.status !== 'created') return seeOther(ctx, returnLocation(order));
      const choice = choiceSchema.safeParse(ctx.request.body);
      if (!choice.success) {
        const body = (ctx.request.body ?? {}) as Record<string, string>;
        return html(ctx, 422, checkoutPage(order, 'Choose a payment method and an outcome.', body));
      }
      flow.settle(id, choice.data.outcome, choice.data.method);
      seeOther(ctx, returnLocation(order));
    },
  });
}
