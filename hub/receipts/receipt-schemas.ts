import { z } from 'zod';

/**
 * The JSON bodies of the receipt routes as sent (instants are ISO 8601 strings, amounts integer
 * minor units), for the OpenAPI document. They mirror receipt-view.ts; a test parses real answers.
 */
const instant = z.iso.datetime({ offset: true });
const minor = z.number().int();

const lineSchema = z.object({
  lineId: z.string(),
  billerId: z.string(),
  billerName: z.string(),
  consumerMasked: z.string().describe('all but the last four characters masked'),
  billNumberMasked: z.string().describe('all but the last four characters masked'),
  period: z.object({ from: z.string().optional(), to: z.string().optional() }).optional(),
  breakup: z.array(z.object({ label: z.string(), amountMinor: minor })),
  amountDueMinor: minor.optional().describe('before any rebate or late fee'),
  adjustment: z.object({ kind: z.enum(['rebate', 'late_fee']), amountMinor: minor }).optional(),
  amountMinor: minor,
  reference: z.string(),
  billerReference: z.string().optional(),
  status: z.string(),
  demand: z
    .object({
      reference: z.string(),
      providerName: z.string(),
      title: z.string(),
      instalments: z.array(
        z.object({
          number: z.number().int(),
          dueDate: z.string(),
          amountMinor: minor,
          lateFeeMinor: minor,
          discountMinor: minor,
        }),
      ),
      instalmentCount: z.number().int(),
      totalMinor: minor,
      items: z.array(
        z.object({
          description: z.string(),
          amountMinor: minor,
          taxes: z.array(z.object({ name: z.string(), amountMinor: minor })),
          totalMinor: minor,
        }),
      ),
      remaining: z.object({ count: z.number().int(), amountMinor: minor, nextDueDate: z.string().optional() }),
    })
    .optional()
    .describe('the payment demand the line paid: provider, title, reference in full, instalments, tax breakup'),
});

/** GET /payments/{paymentId}/receipt. */
export const receiptViewSchema = z
  .object({
    receiptNumber: z.string(),
    paymentId: z.string(),
    status: z.string(),
    payerName: z.string().optional(),
    paidAt: instant,
    issuedAt: instant,
    method: z.string().optional(),
    gatewayReference: z.string().optional(),
    currency: z.string(),
    totalMinor: minor,
    settledMinor: minor,
    refundedMinor: minor,
    lines: z.array(lineSchema),
    refunds: z.array(
      z.object({
        lineId: z.string().optional().describe("absent: a held payment's whole capture, refunded by an operator"),
        amountMinor: minor,
        reference: z.string().optional(),
        at: instant.optional(),
        status: z.string(),
      }),
    ),
    verifyUrl: z.url().describe('<hub>/verify?t=<signed token>: what the QR code holds'),
  })
  .describe('A receipt: masked numbers, amounts in minor units (paise)');

/** GET /receipts/verify. */
export const verifiedReceiptSchema = z
  .object({
    receiptNumber: z.string(),
    paymentId: z.string(),
    paidAt: instant,
    currency: z.string(),
    totalMinor: minor,
    status: z.string(),
    lines: z.array(
      lineSchema.pick({
        billerName: true,
        consumerMasked: true,
        amountMinor: true,
        billerReference: true,
        status: true,
      }),
    ),
  })
  .describe('What a genuine receipt proves, without the payer');
