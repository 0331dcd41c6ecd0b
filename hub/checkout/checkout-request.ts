import { z } from 'zod';

const amountMinor = z
  .number()
  .int('must be a whole number of paise')
  .positive('must be more than zero')
  .max(100_000_000_00, 'is above the limit of one payment');

/**
 * One bill to pay: which bill and how much (integer paise), and whose: either a consumer of a
 * biller (`billerId` + `consumer`) or one of the citizen's saved accounts (`accountId`), exactly
 * one of the two forms. The bill is named by its `billNumber`, or, for a saved account, by the
 * opaque `billRef` that /dues gives (it shows the number masked).
 */
const lineSchema = z
  .object({
    billerId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/)
      .optional(),
    consumer: z.record(z.string().regex(/^\w{1,32}$/), z.string().min(1).max(64)).optional(),
    accountId: z
      .string()
      .regex(/^[\w-]{1,64}$/)
      .optional(),
    billNumber: z.string().min(1).max(64).optional(),
    /** The opaque bill ref /dues gives for a saved account's bill, instead of its (masked) number. */
    billRef: z
      .string()
      .regex(/^[\w-]{22}$/)
      .optional(),
    amountMinor,
  })
  .strict()
  .superRefine((line, ctx) => {
    if ((line.billNumber === undefined) === (line.billRef === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['billNumber'],
        message: 'name the bill by billNumber or billRef, one of the two',
      });
    } else if (line.billRef !== undefined && line.accountId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['billRef'],
        message: 'a billRef names a bill of a saved account: give accountId',
      });
    }
    const named = line.accountId !== undefined;
    const direct = line.billerId !== undefined || line.consumer !== undefined;
    if (named && direct) {
      ctx.addIssue({
        code: 'custom',
        path: ['accountId'],
        message: 'name a saved account or a biller and consumer, not both',
      });
    } else if (!named && (line.billerId === undefined || line.consumer === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['accountId'],
        message: 'name a saved account, or a biller and its consumer',
      });
    }
  });

export const checkoutBody = z
  .object({
    lines: z.array(lineSchema).min(1).max(10),
  })
  .strict();
export type CheckoutBody = z.infer<typeof checkoutBody>;
/** One line of a checkout body, in either form. */
export type CheckoutLine = CheckoutBody['lines'][number];

/**
 * The index of the first line naming the same bill as an earlier line (same saved account or
 * biller, same bill number or ref), if any. A rule over the lines' meaning, not their form:
 * CheckoutService answers it 422 `duplicate_bill`, so 400 stays "breaks the documented schema".
 */
export function duplicateLine(body: CheckoutBody): number | undefined {
  const seen = new Set<string>();
  for (const [i, line] of body.lines.entries()) {
    const key = `${line.accountId ?? line.billerId}|${line.billNumber ?? line.billRef}`;
    if (seen.has(key)) return i;
    seen.add(key);
  }
  return undefined;
}

/** Stripe-style key: what makes a retried checkout the same checkout. */
export const idempotencyKey = z
  .string({ error: 'the Idempotency-Key header is required' })
  .regex(/^[\w.:-]{8,128}$/, 'Idempotency-Key must be 8 to 128 letters, digits or . _ : -');
