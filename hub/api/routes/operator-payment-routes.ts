import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../../infra/errors.js';
import type { Connection } from '../../../infra/mongo.js';
import { type PaymentDetailEnricher, PaymentDetails, paymentSummaryOf } from '../../operator/payment-detail.js';
import { MAX_PAGE, PaymentSearch, type PaymentSearchQuery, SearchInputError } from '../../operator/payment-search.js';
import { PAYMENT_ID_PATTERN } from '../../payments/ids.js';
import { PAYMENT_STATUSES } from '../../payments/state-machine.js';
import type { RouteSpec } from '../route-spec.js';
import { parseInput } from '../validate.js';

/** A real calendar day written YYYY-MM-DD. */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((value) => {
    // Zod runs this after a failed regex too: an unparseable value is simply not a real date.
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, 'is not a real date');

/** The search's query string, checked at the edge (every field optional; unknown fields refused). */
export const operatorPaymentQuery = z
  .object({
    reference: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[\w.:/-]+$/, 'must be a payment id, line id, HUB reference or biller reference')
      .optional(),
    phone: z.string().trim().min(6).max(32).optional(),
    consumer: z.string().trim().min(1).max(64).optional(),
    billerId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be a biller id')
      .optional(),
    status: z.enum(PAYMENT_STATUSES).optional(),
    from: day.optional(),
    to: day.optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).optional(),
  })
  .strict()
  .superRefine((query, ctx) => {
    if (query.from && query.to && query.to < query.from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be on or after from' });
    }
  });

export interface OperatorPaymentRouteDeps {
  mongo: Connection;
  /** Other areas' additions to a payment's detail (optional fields only). */
  enrichers?: readonly PaymentDetailEnricher[];
}

/**
 * The operators' payment search and payment detail (read only; ops:read). Operators only: a
 * citizen's, a provider member's or a client's token is a 403 wrong_token_kind, and an operator's
 * token from a sign-in without the authenticator app a 401 (hub/api/access-token.ts).
 */
export function operatorPaymentRoutes({ mongo, enrichers = [] }: OperatorPaymentRouteDeps): RouteSpec[] {
  const search = new PaymentSearch(mongo);
  const details = new PaymentDetails(mongo, enrichers);
  return [
    {
      method: 'get',
      path: '/operator/payments',
      operationId: 'searchPaymentsAsOperator',
      summary:
        'Operators: search payments by reference, citizen phone, consumer number, biller, status and India-time days; newest first, by cursor',
      scopes: ['ops:read'],
      callers: ['operator'],
      query: operatorPaymentQuery,
      handler: async (_ctx, { query }) => {
        try {
          const page = await search.search(query as PaymentSearchQuery);
          return { payments: page.payments.map(paymentSummaryOf), ...(page.next ? { next: page.next } : {}) };
        } catch (error) {
          if (!(error instanceof SearchInputError)) throw error;
          const fields = [{ field: error.field, problem: error.message }];
          throw new ValidationError(`${error.field}: ${error.message}`, { fields });
        }
      },
    },
    {
      method: 'get',
      path: '/operator/payments/:paymentId',
      operationId: 'getPaymentAsOperator',
      summary: 'Operators: one payment in full with its timeline, ledger entries and the operators’ actions on it',
      scopes: ['ops:read'],
      callers: ['operator'],
      problems: { 404: 'not_found: no such payment' },
      handler: async (ctx) => {
        const id = parseInput(z.string().regex(PAYMENT_ID_PATTERN, 'must be a payment id'), ctx.params.paymentId);
        const detail = await details.find(id);
        if (!detail) throw new NotFoundError('no such payment');
        return detail;
      },
    },
  ];
}
