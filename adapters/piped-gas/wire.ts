import { z } from 'zod';

/**
 * Metro Piped Natural Gas's API as it is on the wire: its names, its shapes, its status words.
 * Schemas check only what the adapter reads; unknown fields are ignored so the company may add some.
 */

/** Money as an integer with a scale: value / 10^scale rupees. Checked for exactness in mapping. */
export const wireAmountSchema = z.object({ value: z.number(), scale: z.number() });
export type WireAmount = z.infer<typeof wireAmountSchema>;

/** A date, or a date-time whose first ten characters are the company's local date. */
const wireDate = z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'an ISO date');

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i, 'a bearer token'),
  expires_in: z.number().nonnegative(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

export const invoiceResponseSchema = z.object({
  bp: z.object({
    bpNo: z.string(),
    holder: z.object({ firstName: z.string().default(''), lastName: z.string().default('') }),
  }),
  invoice: z.object({
    invoiceId: z.string().min(1),
    invoiceDt: wireDate,
    payBy: wireDate,
    billingPeriod: z.object({ start: wireDate, end: wireDate }).optional(),
    scmConsumed: z.string().optional(),
    charges: z.array(z.object({ code: z.string(), desc: z.string().optional(), amt: wireAmountSchema })),
    totalPayable: wireAmountSchema,
  }),
});
export type InvoiceResponse = z.infer<typeof invoiceResponseSchema>;

/** What the adapter sends to record a payment; `partnerRef` is the hub's reference, deduplicated by the company. */
export interface CollectionRequest {
  bpNo: string;
  invoiceId: string;
  collectedAmount: { value: number; scale: 2 };
  partnerRef: string;
  collectedAt: string;
}

/** POSTED | IN_PROCESS | UNDER_REVIEW | REJECTED | REFUNDED, kept as a string: new words must not break parsing. */
export const collectionSchema = z.object({
  collectionId: z.string().min(1),
  partnerRef: z.string(),
  state: z.string(),
});
export type Collection = z.infer<typeof collectionSchema>;

export const collectionListSchema = z.object({ items: z.array(collectionSchema) });

/** The company's error body on its API calls. */
export const faultBodySchema = z.object({ fault: z.object({ code: z.string(), text: z.string().optional() }) });
export type Fault = z.infer<typeof faultBodySchema>['fault'];

/** The OAuth2 token endpoint's error body (RFC 6749 section 5.2). */
export const oauthErrorSchema = z.object({ error: z.string() });
