import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../../infra/errors.js';
import type { Connection } from '../../../infra/mongo.js';
import { type PaymentDetailEnricher, PaymentDetails, paymentSummaryOf } from '../../operator/payment-detail.js';
import { MAX_PAGE, PaymentSearch, SearchInputError } from '../../operator/payment-search.js';
import { PAYMENT_ID_PATTERN } from '../../payments/ids.js';
import { LINE_STATUSES, PAYMENT_STATUSES } from '../../payments/state-machine.js';
import { paymentTimelineEntrySchema } from '../response-schemas.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';

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

const minor = z.number().int().meta({ description: 'integer minor units (paise for INR)' });
const instant = z.iso.datetime({ offset: true }).meta({ description: 'an instant, ISO 8601' });
const lineSummary = z.object({
  id: z.string(),
  billerId: z.string(),
  consumerMasked: z.string(),
  amountMinor: minor,
  status: z.enum(LINE_STATUSES),
  reference: z.string().meta({ description: 'the HUB posting reference' }),
});
const paymentSummary = {
  id: z.string(),
  createdAt: instant,
  status: z.enum(PAYMENT_STATUSES),
  totalMinor: minor,
  method: z.string().optional(),
  citizenSub: z.string().meta({ description: "the citizen's subject at the idp" }),
  flags: z.number().int().optional().meta({ description: 'open risk flags (risk area)' }),
  complaints: z.number().int().optional().meta({ description: 'complaints about it (complaints area)' }),
};

/** GET /operator/payments: one page, newest first. */
export const operatorPaymentListSchema = z.object({
  payments: z.array(z.object({ ...paymentSummary, lines: z.array(lineSummary) })),
  next: z.string().optional().meta({ description: 'the cursor of the next page; absent on the last' }),
});

/** GET /operator/payments/{id}; other areas may add optional fields at the top level (notes, flags). */
export const operatorPaymentDetailSchema = z.looseObject({
  payment: z.object({
    ...paymentSummary,
    currency: z.string(),
    updatedAt: instant,
    expiresAt: instant,
    gateway: z.object({
      orderId: z.string().optional(),
      method: z.string().optional(),
      capturedMinor: minor.optional(),
      capturedCurrency: z.string().optional(),
    }),
    hold: z.object({ reason: z.string(), detail: z.string(), at: instant }).optional(),
    supersededBy: z.string().optional(),
    receipt: z
      .object({ receiptId: z.string().optional(), issuedAt: instant.optional(), notifiedAt: instant.optional() })
      .optional(),
    lines: z.array(
      lineSummary.extend({
        billNumber: z.string(),
        attempts: z.number().int(),
        billerReference: z.string().optional(),
        billerStatus: z.string().optional(),
        refundKey: z.string().optional(),
        enquiries: z.number().int().optional(),
        nextAttemptAt: instant.optional(),
        changedAt: instant,
        failure: z.object({ code: z.string().optional(), message: z.string().optional() }).optional(),
      }),
    ),
  }),
  // The citizen's timeline entry plus the event's detail, which only operators see.
  timeline: z.array(paymentTimelineEntrySchema.extend({ detail: z.string().optional() })),
  ledger: z.array(
    z.object({
      txnId: z.string(),
      kind: z.string(),
      at: instant,
      lineId: z.string().optional(),
      reverses: z.string().optional(),
      reason: z.string().optional(),
      entries: z.array(z.object({ account: z.string(), debitMinor: minor, creditMinor: minor })),
    }),
  ),
  audit: z.array(
    z.object({
      id: z.string(),
      at: instant,
      actor: z.object({ sub: z.string(), label: z.string().optional() }),
      action: z.string(),
      subject: z.object({ kind: z.string(), id: z.string() }),
      reason: z.string(),
      outcome: z.enum(['done', 'refused']),
      detail: z.string().optional(),
    }),
  ),
});

export interface OperatorPaymentRouteDeps {
  mongo: Connection;
  /** Other areas' additions to a payment's detail (optional fields only). */
  enrichers?: readonly PaymentDetailEnricher[];
  /** How many complaints each listed payment has (hub/complaints complaintCounts), for the search's `complaints`. */
  complaintCounts?: (paymentIds: readonly string[]) => Promise<Map<string, number>>;
}

/**
 * The operators' payment search and payment detail (read only; ops:read). Operators only: a
 * citizen's, a provider member's or a client's token is a 403 wrong_token_kind, and an operator's
 * token from a sign-in without the authenticator app a 401 (hub/api/access-token.ts).
 */
export function operatorPaymentRoutes({
  mongo,
  enrichers = [],
  complaintCounts,
}: OperatorPaymentRouteDeps): RouteSpec[] {
  const search = new PaymentSearch(mongo);
  const details = new PaymentDetails(mongo, enrichers);
  return [
    defineRoute({
      method: 'get',
      path: '/operator/payments',
      operationId: 'searchPaymentsAsOperator',
      summary:
        'Operators: search payments by reference, citizen phone, consumer number, biller, status and India-time days; newest first, by cursor',
      scopes: ['ops:read'],
      callers: ['operator'],
      query: operatorPaymentQuery,
      response: operatorPaymentListSchema,
      handler: async (_ctx, { query }) => {
        try {
          const page = await search.search(query);
          const counts = complaintCounts ? await complaintCounts(page.payments.map((p) => p._id)) : new Map();
          const payments = page.payments.map((payment) => {
            const complaints = counts.get(payment._id);
            return { ...paymentSummaryOf(payment), ...(complaints ? { complaints } : {}) };
          });
          return { payments, ...(page.next ? { next: page.next } : {}) };
        } catch (error) {
          if (!(error instanceof SearchInputError)) throw error;
          const fields = [{ field: error.field, problem: error.message }];
          throw new ValidationError(`${error.field}: ${error.message}`, { fields });
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/operator/payments/:paymentId',
      operationId: 'getPaymentAsOperator',
      summary: 'Operators: one payment in full with its timeline, ledger entries and the operators’ actions on it',
      scopes: ['ops:read'],
      callers: ['operator'],
      response: operatorPaymentDetailSchema,
      problems: { 404: 'not_found: no such payment' },
      params: z.object({ paymentId: z.string().regex(PAYMENT_ID_PATTERN, 'must be a payment id') }),
      badParams: 400,
      handler: async (_ctx, { params }) => {
        const detail = await details.find(params.paymentId);
        if (!detail) throw new NotFoundError('no such payment');
        return detail;
      },
    }),
  ];
}
