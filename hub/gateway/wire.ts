import { z } from 'zod';

/**
 * The sandbox gateway's JSON as the client reads it. Status and method stay plain strings
 * here: a word we do not know must reach the mapping (and become pending), not fail parsing.
 */

export const wireOrderSchema = z.object({
  id: z.string().min(1),
  merchantRef: z.string().min(1),
  amount: z.number().int().nonnegative(),
  currency: z.string().min(1),
  status: z.string(),
  amountCaptured: z.number().int().nonnegative(),
  /** The currency of the captured amount; absent while nothing is captured. */
  capturedCurrency: z.string().nullish(),
  amountRefunded: z.number().int().nonnegative(),
  method: z.string().nullish(),
  /** An opaque fingerprint of the card used, when the order was paid or declined by card. */
  instrument: z.string().min(1).nullish(),
  checkoutUrl: z.string().min(1),
  expiresAt: z.string().nullish(),
});
export type WireOrder = z.infer<typeof wireOrderSchema>;

export const wireRefundSchema = z.object({
  id: z.string().min(1),
  orderId: z.string().min(1),
  amount: z.number().int().positive(),
  /** The merchant's reference (the hub sends its refund key). */
  reference: z.string().nullish(),
  status: z.string(),
});
export type WireRefund = z.infer<typeof wireRefundSchema>;

export const wireRefundListSchema = z.object({ refunds: z.array(wireRefundSchema) });

export const wireEventSchema = z.object({
  id: z.string().min(1),
  type: z.string(),
  createdAt: z.iso.datetime(),
  data: z.object({ order: wireOrderSchema, refund: wireRefundSchema.optional() }),
});
export type WireEvent = z.infer<typeof wireEventSchema>;

export const wireErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type WireError = z.infer<typeof wireErrorSchema>;

export const wireMandateSchema = z.object({
  id: z.string().min(1),
  merchantRef: z.string().min(1),
  /** A plain string: a word we do not know must reach the mapping, not fail parsing. */
  status: z.string(),
  maxAmount: z.number().int().positive(),
  currency: z.string().min(1),
  validUntil: z.string().min(1),
  approvalUrl: z.string().min(1),
});
export type WireMandate = z.infer<typeof wireMandateSchema>;
