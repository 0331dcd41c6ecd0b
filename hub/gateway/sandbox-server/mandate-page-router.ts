import type Router from '@koa/router';
import { z } from 'zod';
import { hostedPageRouter, html, seeOther } from './hosted-page.js';
import type { MandateBook } from './mandate-book.js';
import { mandateDecidedPage, mandateNotFoundPage, mandatePage, mandateReturnLocation } from './mandate-page.js';

const decisionSchema = z.object({ decision: z.enum(['approve', 'decline']) });

/**
 * The hosted approval page: GET /mandates/:id shows the terms, POST /mandates/:id records the
 * citizen's decision (approve or decline) and sends them back with 303 to `returnUrl?mandate=<id>`.
 */
export function mandatePageRouter(mandates: MandateBook): Router {
  return hostedPageRouter({
    prefix: '/mandates',
    find: (id) => mandates.find(id),
    notFoundPage: mandateNotFoundPage,
    page: (mandate) => (mandate.status === 'pending_approval' ? mandatePage(mandate) : mandateDecidedPage(mandate)),
    submit(ctx, id, mandate) {
      const choice = decisionSchema.safeParse(ctx.request.body);
      if (!choice.success) return html(ctx, 422, mandatePage(mandate));
      // A second submit (back button, double click) changes nothing and lands where the first did.
      if (mandate.status === 'pending_approval') mandates.decide(id, choice.data.decision);
      seeOther(ctx, mandateReturnLocation(mandate));
    },
  });
}
