import { z } from 'zod';
import { DEMAND_STATUSES, INSTALMENT_STATUSES, TAX_NAMES } from '../demands/demand-types.js';
import { LINE_STATUSES, PAYMENT_STATUSES } from '../payments/state-machine.js';

/**
 * The API's success bodies as zod schemas, for the OpenAPI document (RouteSpec.response) and so
 * Schemathesis can check every answer against them. Objects are closed (no other keys): a
 * storage field that leaks into an answer (`_id`, `citizenSub`, ...) is a schema failure.
 * Amounts are integer minor units (paise); instants are ISO 8601 UTC; days are YYYY-MM-DD (IST).
 */

const minor = z.number().int().meta({ description: 'integer minor units (paise for INR)' });
const instant = z.iso.datetime({ offset: true }).meta({ description: 'an instant, ISO 8601' });
const day = z.iso.date().meta({ description: 'a calendar day, YYYY-MM-DD (Indian date for bills)' });
const paymentStatus = z.enum(PAYMENT_STATUSES);
const lineStatus = z.enum(LINE_STATUSES);

export const billerSchema = z.object({
  id: z.string(),
  name: z.string(),
  category: z.enum(['electricity', 'water', 'gas', 'other']),
  consumerParams: z.array(
    z.object({
      name: z.string(),
      label: z.string(),
      pattern: z.string().meta({ description: 'a regular expression the whole value must match' }),
      example: z.string(),
    }),
  ),
  fetchRequirement: z.enum(['MANDATORY', 'OPTIONAL', 'NOT_SUPPORTED']),
  exactness: z.enum(['EXACT', 'EXACT_AND_ABOVE', 'EXACT_AND_BELOW', 'ANY']),
  currency: z.string().meta({ description: 'ISO 4217' }),
});

export const billerListSchema = z.object({ billers: z.array(billerSchema) });

/** A bill's fields other than its number (shown in full or masked, by where the bill appears). */
const billFields = {
  customerName: z.string().meta({ description: 'masked by the adapter: first letters only' }),
  periodStart: day.optional(),
  periodEnd: day.optional(),
  billDate: day,
  dueDate: day,
  amountDueMinor: minor,
  breakup: z.array(z.object({ label: z.string(), amountMinor: minor })),
  earlyPayment: z.object({ until: day, amountMinor: minor }).optional(),
  latePayment: z.object({ from: day, amountMinor: minor }).optional(),
  amountOptions: z
    .array(
      z.object({
        code: z.string().meta({ description: 'machine-readable, e.g. instalments-2' }),
        label: z.string().meta({ description: 'English, e.g. "Instalments 1-2 of 3"' }),
        amountMinor: minor,
        breakup: z
          .array(z.object({ label: z.string(), amountMinor: minor }))
          .meta({ description: 'what the amount is made of; adds up to it exactly' })
          .optional(),
      }),
    )
    .meta({
      description:
        "the only amounts this bill takes (BBPS amount options), each as it costs today; the first is amountDueMinor. A checkout line pays one by putting its amountMinor in the line's amountMinor",
    })
    .optional(),
  currency: z.string(),
  fetchedAt: instant,
};

export const billSchema = z.object({ billNumber: z.string(), ...billFields });

/** A bill beside a masked consumer: its number masked too (it may embed the consumer number). */
export const maskedBillSchema = z.object({
  billNumberMasked: z.string().meta({ description: 'all but the last four characters hidden' }),
  ...billFields,
});

export const fetchedBillSchema = z.object({
  billerId: z.string(),
  bill: billSchema,
  consumer: z.record(z.string(), z.string()).meta({ description: "the consumer as normalised by the biller's rules" }),
  cached: z.boolean(),
});

export const savedAccountSchema = z.object({
  id: z.string(),
  billerId: z.string(),
  nickname: z.string(),
  consumerMasked: z.string(),
  createdAt: instant.optional(),
});

export const accountListSchema = z.object({ accounts: z.array(savedAccountSchema) });
export const linkedAccountSchema = z.object({ account: savedAccountSchema, bill: maskedBillSchema });

const paymentMarker = z.object({ paymentId: z.string(), status: paymentStatus });

export const dueSchema = z.object({
  account: savedAccountSchema,
  bill: maskedBillSchema.optional(),
  cached: z.boolean().optional(),
  payable: z
    .object({
      day,
      amountMinor: minor,
      amountDueMinor: minor,
      applied: z.enum(['early_payment_rebate', 'late_fee', 'none']),
      adjustmentMinor: minor,
    })
    .optional(),
  checkoutLine: z
    .object({ accountId: z.string(), billRef: z.string(), amountMinor: minor })
    .meta({ description: "POST it in a checkout's lines to pay today's amount of this bill" })
    .optional(),
  paid: paymentMarker.meta({ description: 'a payment that pays or paid this bill' }).optional(),
  checkout: paymentMarker.meta({ description: 'an unpaid checkout holding this bill' }).optional(),
  error: z.object({ code: z.string(), detail: z.string(), retryable: z.boolean() }).optional(),
});

/** A payment demand raised for the citizen (matched on their verified phone or email), as a due. */
export const demandDueSchema = z.object({
  demand: z.object({
    reference: z.string(),
    title: z.string(),
    status: z.string(),
    instalmentCount: z.number().int(),
    providerName: z.string().meta({ description: 'who raised the demand' }).optional(),
  }),
  bill: billSchema.optional(),
  payable: dueSchema.shape.payable,
  checkoutLine: z
    .object({
      billerId: z.string(),
      consumer: z.object({ demandReference: z.string() }),
      billNumber: z.string(),
      amountMinor: minor,
    })
    .meta({
      description:
        "POST it in a checkout's lines to pay today's amount of the next instalment; to pay more instalments, put another of bill.amountOptions' amountMinor in it",
    })
    .optional(),
  paid: dueSchema.shape.paid,
  checkout: dueSchema.shape.checkout,
  error: dueSchema.shape.error,
});

export const duesSchema = z.object({
  dues: z.array(dueSchema),
  demands: z
    .array(demandDueSchema)
    .meta({ description: 'payment demands raised for me, each with its next instalment as a bill' })
    .optional(),
});

/** One event of a payment's timeline, oldest first: a status change of the payment or of one of its lines. */
export const paymentTimelineEntrySchema = z.object({
  at: instant,
  event: z.string(),
  from: z.string().optional(),
  to: z.string().optional(),
  lineId: z.string().optional(),
});

export const paymentSchema = z.object({
  id: z.string(),
  status: paymentStatus,
  displayStatus: z.enum([...PAYMENT_STATUSES, 'being_confirmed', 'under_review']),
  currency: z.string(),
  totalMinor: minor,
  method: z.string().optional(),
  expiresAt: instant,
  supersededBy: z.string().optional(),
  hold: z.object({ reason: z.string(), detail: z.string() }).optional(),
  riskReview: z
    .literal('pending')
    .optional()
    .meta({ description: 'pending while the payment is checked by an operator before it is paid to the billers' }),
  createdAt: instant,
  updatedAt: instant,
  lines: z.array(
    z.object({
      id: z.string(),
      billerId: z.string(),
      consumerMasked: z.string(),
      billNumberMasked: z.string(),
      amountMinor: minor,
      reference: z.string(),
      status: lineStatus,
      displayStatus: z.enum([
        ...LINE_STATUSES.filter((s) => s !== 'unknown' && s !== 'held'),
        'being_confirmed',
        'under_review',
      ]),
      billerReference: z.string().optional(),
      failureCode: z.string().optional(),
      demandReference: z
        .string()
        .optional()
        .meta({ description: "a payment demand's reference (not secret: it is on the demand's SMS), for its lines" }),
    }),
  ),
  timeline: z.array(paymentTimelineEntrySchema),
});

export const paymentListSchema = z.object({ payments: z.array(paymentSchema) });
export const checkoutResultSchema = z.object({
  payment: paymentSchema,
  checkoutUrl: z.url().meta({ description: "the gateway's hosted checkout page: send the citizen there" }),
});

/** RFC 9457 problem details as every error answer carries them, plus the code's own fields. */
export const problemSchema = z.looseObject({
  type: z.string().meta({ description: 'urn:problem:<code>' }),
  title: z.string(),
  status: z.number().int(),
  code: z.string().meta({ description: 'machine-readable: branch on this' }),
  detail: z.string(),
});

const demandStatus = z.enum(DEMAND_STATUSES);
const charge = z.union([
  z.object({ kind: z.literal('flat'), amountMinor: minor }),
  z.object({ kind: z.literal('percent'), basisPoints: z.number().int().meta({ description: '1 bp = 0.01 %' }) }),
]);

/** What one instalment costs on one day, paise: payable = base + late fee - discount. */
const instalmentQuote = z.object({
  number: z.number().int(),
  baseMinor: minor,
  lateFeeMinor: minor,
  discountMinor: minor,
  payableMinor: minor,
});

/** A payment demand as its provider sees it (hub/demands/README.md has the rules). */
export const demandSchema = z.object({
  reference: z.string().meta({ description: 'DM-XXXXX-XXXXX-C: the number the payer sees and types' }),
  status: demandStatus,
  title: z.string(),
  payer: z.object({ phone: z.string().optional(), email: z.string().optional() }),
  currency: z.string(),
  lines: z.array(
    z.object({
      description: z.string(),
      amountMinor: minor.meta({ description: 'the taxable value' }),
      taxMinor: minor,
      taxes: z.array(z.object({ name: z.enum(TAX_NAMES), amountMinor: minor })),
      totalMinor: minor,
    }),
  ),
  totalMinor: minor,
  dueDate: day,
  instalments: z.array(
    z.object({
      number: z.number().int(),
      dueDate: day,
      amountMinor: minor,
      status: z.enum(INSTALMENT_STATUSES),
      paidMinor: minor.meta({ description: 'what the payer paid for it, late fee and discount included' }),
      lateFeeMinor: minor.optional(),
      discountMinor: minor.optional(),
      paidOn: day.optional(),
      payment: z
        .object({
          number: z.string().meta({ description: "the hub's payment (PAY…) or the wallet settlement (WLT…)" }),
          method: z.enum(['checkout', 'wallet']),
          walletTransactionId: z.string().optional(),
        })
        .meta({ description: 'how a paid instalment was paid' })
        .optional(),
    }),
  ),
  lateFee: z.object({ charge, periodDays: z.number().int(), capMinor: minor }).optional(),
  earlyDiscount: z.object({ off: charge, until: day }).optional(),
  paidMinor: minor,
  outstandingMinor: minor.meta({ description: 'the open instalments, before any late fee or discount' }),
  payableToday: z
    .object({
      day,
      nextMinor: minor.meta({ description: 'the next open instalment, as charged today' }),
      allMinor: minor.meta({ description: 'every open instalment, as charged today' }),
      instalments: z.array(instalmentQuote),
    })
    .meta({ description: 'what the payer would pay today (Indian day); absent when nothing is payable' })
    .optional(),
  version: z.number().int().meta({ description: 'bumped by every change: send it as expectedVersion to amend' }),
  audit: z.array(
    z.object({
      at: instant,
      actor: z.string(),
      actorLabel: z
        .string()
        .meta({ description: "the actor in human terms: a member's name or masked contact, a client's name" })
        .optional(),
      action: z.enum(['created', 'amended', 'cancelled']),
      reason: z.string().optional(),
      changes: z.array(z.object({ path: z.string(), before: z.unknown().optional(), after: z.unknown().optional() })),
    }),
  ),
  createdAt: instant,
  updatedAt: instant,
});

export const demandPageSchema = z.object({
  demands: z.array(demandSchema),
  limit: z.number().int(),
  offset: z.number().int(),
  nextOffset: z.number().int().meta({ description: 'the offset of the next page; absent on the last page' }).optional(),
});

export const demandUploadResultSchema = z.object({
  created: z.number().int().meta({ description: 'how many demands the upload holds' }),
  references: z.array(z.string()).meta({ description: "the demands' reference numbers, in the file's row order" }),
  demands: z.array(z.object({ row: z.number().int(), reference: z.string() })),
});
