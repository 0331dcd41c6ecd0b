import { z } from 'zod';

// The sandbox wallet's JSON, kept in one place: its routes build it, and the hub's client reads
// the same words (hub/wallet/wire.ts mirrors it without importing the sandbox).

/** A 10-digit Indian mobile number, the wallet's account number. */
export const walletNumberSchema = z.string().regex(/^[6-9]\d{9}$/, 'a 10-digit mobile number');
export const transactionIdSchema = z.string().regex(/^[A-Z0-9]{6,40}$/, '6 to 40 capital letters or digits');

/** POST /v1/transfers/verify */
export const verifyRequestSchema = z.object({
  walletNumber: walletNumberSchema,
  transactionId: transactionIdSchema,
  /** When given, a transfer to another merchant is a payee_mismatch. */
  payee: z.string().min(1).max(64).optional(),
});

/** POST /__sandbox/transfers */
export const seedTransferSchema = z.object({
  transactionId: transactionIdSchema.optional(),
  payerWallet: walletNumberSchema,
  payee: z.string().min(1).max(64).optional(),
  amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  currency: z.literal('INR').default('INR'),
  paidAt: z.iso.datetime({ offset: true }).optional(),
});
