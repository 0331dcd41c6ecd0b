import { z } from 'zod';
import type { BillerRegistry } from '../../../adapters/registry/index.js';
import { NotFoundError } from '../../../infra/errors.js';
import type { BillService } from '../../bills/bill-service.js';
import { billerListSchema, billerSchema, fetchedBillSchema } from '../response-schemas.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';

const category = z.enum(['electricity', 'water', 'gas', 'other']);

/**
 * The biller directory (public: anyone, with a valid citizen's token, client's own token, or none) and
 * a consumer's bill by consumer number (citizens' tokens only: it shows the consumer's name).
 */
export function billerRoutes(billers: BillerRegistry, bills: BillService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/billers',
      operationId: 'listBillers',
      response: billerListSchema,
      summary: 'The billers on offer, optionally of one category, with their consumer-number rules and exactness',
      scopes: null,
      query: z.object({ category: category.optional() }).strict(),
      handler: (_ctx, { query: { category: wanted } }) => ({
        billers: billers.list().filter((biller) => !wanted || biller.category === wanted),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/billers/:billerId',
      operationId: 'getBiller',
      summary: 'One biller',
      scopes: null,
      response: billerSchema,
      problems: { 404: 'not_found: no such biller' },
      handler: (_ctx, { params: { billerId } }) => {
        const biller = billers.get(billerId);
        if (!biller) throw new NotFoundError(`no biller ${billerId}`);
        return biller.descriptor;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/billers/:billerId/bill',
      summary: "A consumer's current bill, the consumer given by the biller's params as query fields",
      operationId: 'fetchBill',
      scopes: ['bills:read'],
      callers: ['citizen'],
      response: fetchedBillSchema,
      problems: {
        404: 'not_found: no such biller',
        422: 'consumer_not_found, biller_rejected: the biller does not know this consumer or refuses it',
        503: 'biller_unavailable: retryable',
      },
      query: z.record(z.string().regex(/^\w{1,32}$/), z.string().max(64)),
      handler: (_ctx, { params, query }) => bills.fetch(params.billerId, query),
    }),
  ];
}
