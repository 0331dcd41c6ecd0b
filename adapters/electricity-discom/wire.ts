import { z } from 'zod';

/**
 * The discom's own JSON (API v2), checked at the edge so a changed or broken answer is
 * caught here rather than half-read later. Amounts are rupee decimal strings ("1234.50").
 */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const wireSlabSchema = z.object({
  fromUnit: z.number(),
  toUnit: z.number().nullable().optional(),
  rate: z.string(),
  amount: z.string(),
});

export const wireBillResponseSchema = z.object({
  consumer: z.object({
    number: z.string(),
    name: z.string().min(1),
    category: z.string(),
  }),
  bill: z.object({
    billNo: z.string().min(1),
    billDate: isoDate,
    dueDate: isoDate,
    periodFrom: isoDate.optional(),
    periodTo: isoDate.optional(),
    unitsConsumed: z.number().optional(),
    slabs: z.array(wireSlabSchema),
    fixedCharge: z.string(),
    electricityDuty: z.string(),
    arrears: z.string(),
    totalDue: z.string(),
    lateFee: z.string().optional(),
  }),
});

/** POST /v2/payments body. */
export interface WirePaymentRequest {
  consumerNumber: string;
  billNo: string;
  amount: string;
  txnRef: string;
  txnDate: string;
}

/** The answer to a posting (201/200) and to GET /v2/payments/{txnRef}. */
export const wirePaymentSchema = z.object({
  receiptNo: z.string().optional(),
  txnRef: z.string(),
  status: z.string(),
});

/** Every refusal: 4xx and 503. */
export const wireErrorSchema = z.object({
  errorCode: z.string().min(1),
  message: z.string().optional(),
});

export type WireSlab = z.infer<typeof wireSlabSchema>;
export type WireBillResponse = z.infer<typeof wireBillResponseSchema>;
export type WirePayment = z.infer<typeof wirePaymentSchema>;
export type WireError = z.infer<typeof wireErrorSchema>;

/** The discom's status words. */
export type WirePaymentStatus = 'SUCCESS' | 'PENDING' | 'FAILED' | 'REVERSED';

export const WIRE_ERRORS = {
  consumerNotFound: 'CONSUMER_NOT_FOUND',
  invalidConsumerNumber: 'INVALID_CONSUMER_NUMBER',
  txnNotFound: 'TXN_NOT_FOUND',
  systemBusy: 'SYSTEM_BUSY',
  accountDisconnected: 'ACCOUNT_DISCONNECTED',
  billMismatch: 'BILL_MISMATCH',
  amountTooLow: 'AMOUNT_TOO_LOW',
  invalidRequest: 'INVALID_REQUEST',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
} as const;
