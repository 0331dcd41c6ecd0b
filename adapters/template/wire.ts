import { z } from 'zod';

/**
 * The biller's JSON as its API documents it (edit to match yours): amounts are integers in paise,
 * refusals are `{ "error": { "code", "message" } }`.
 */

export const wireBillSchema = z.object({
  account: z.object({ accountNo: z.string(), name: z.string() }),
  bill: z.object({
    billNo: z.string().min(1),
    billDate: z.string(),
    dueDate: z.string(),
    lines: z.array(z.object({ label: z.string(), amountPaise: z.number().int() })),
    totalPaise: z.number().int().positive(),
  }),
});
export type WireBill = z.infer<typeof wireBillSchema>;

export const wirePaymentRequestSchema = z.object({
  accountNo: z.string(),
  billNo: z.string(),
  amountPaise: z.number().int().positive(),
  reference: z.string().min(1),
  paidAt: z.string(),
});
export type WirePaymentRequest = z.infer<typeof wirePaymentRequestSchema>;

export const wirePaymentSchema = z.object({
  payment: z.object({ reference: z.string(), receiptNo: z.string().optional(), state: z.string() }),
});

export const wireErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string().optional() }) });

/** The codes the biller documents for the cases the mapping tells apart. */
export const WIRE_ERRORS = {
  accountNotFound: 'ACCOUNT_NOT_FOUND',
  paymentNotFound: 'PAYMENT_NOT_FOUND',
} as const;
