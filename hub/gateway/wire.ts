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
  amountRefunded: z.number().int().nonnegative(),
  method: z.string().nullish(),
  checkoutUrl: z.string().min(1),
});
export type WireOrder = z.infer<typeof wireOrderSchema>;

export const wireRefundSchema = z.object({
  id: z.string().min(1),
  orderId: z.string().min(1),
  amount: z.number().int().positive(),
  status: z.string(),
});
export type WireRefund = z.infer<typeof wireRefundSchema>;

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
