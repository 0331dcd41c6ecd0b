import { z } from 'zod';

/** One bill to pay: which consumer of which biller, which bill, and how much (integer paise). */
const lineSchema = z
  .object({
    billerId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
    consumer: z.record(z.string().regex(/^\w{1,32}$/), z.string().min(1).max(64)),
    billNumber: z.string().min(1).max(64),
    amountMinor: z
      .number()
      .int('must be a whole number of paise')
      .positive('must be more than zero')
      .max(100_000_000_00, 'is above the limit of one payment'),
  })
  .strict();

export const checkoutBody = z
  .object({
    lines: z.array(lineSchema).min(1).max(10),
  })
  .strict()
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.lines.forEach((line, i) => {
      const key = `${line.billerId}|${line.billNumber}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['lines', i], message: 'the same bill twice' });
      seen.add(key);
    });
  });
export type CheckoutBody = z.infer<typeof checkoutBody>;

/** Stripe-style key: what makes a retried checkout the same checkout. */
export const idempotencyKey = z
  .string({ error: 'the Idempotency-Key header is required' })
  .regex(/^[\w.:-]{8,128}$/, 'Idempotency-Key must be 8 to 128 letters, digits or . _ : -');
