import { z } from 'zod';
import { isCalendarDay } from './calendar-day.js';
import { TAX_NAMES } from './demand-types.js';
import { indianMobile, NOT_A_MOBILE } from './payer-phone.js';

// The shape of a new demand, field by field (the cross-field rules are in new-demand-rules.ts).
// Unknown fields are refused, so a misspelt optional field is an error rather than quietly absent.

/**
 * Limits that keep one demand a readable document. `maxMinor`: the most any amount (and the
 * total) may be, ₹10 crore in paise: a ceiling against a slipped key, far above a hall booking or
 * a year's maintenance, and far inside Number's exact integers.
 */
export const DEMAND_LIMITS = {
  lines: 50,
  instalments: 36,
  title: 200,
  description: 200,
  periodDays: 366,
  maxMinor: 10_00_00_000_00,
} as const;

/** "must be at most ₹10,00,00,000.00": the ceiling in a provider's words. */
export const TOO_LARGE = 'is too large: at most ₹10,00,00,000 (10 crore)';

const required = (kind: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : `must be ${kind}`),
});

const text = (max: number) =>
  z
    .string(required('text'))
    .trim()
    .min(1, { error: 'is required' })
    .max(max, { error: `must be at most ${max} characters` });

// A number too large is "too large", not "not a whole number" (z.int refuses unsafe integers with
// the same message as 1.5): the size is checked first, on any number.
const wholePaise = () =>
  z
    .number(required('a whole number of paise'))
    .max(DEMAND_LIMITS.maxMinor, { error: TOO_LARGE, abort: true })
    .int({ error: 'must be a whole number of paise' });
const positivePaise = wholePaise().positive({ error: 'must be more than zero' });
const nonNegativePaise = wholePaise().nonnegative({ error: 'must not be negative' });

const day = z.string(required('a date')).refine(isCalendarDay, { error: 'must be a date written YYYY-MM-DD' });

/** An Indian mobile number (payer-phone.ts): the pay link goes by SMS. */
const phone = z.string(required('a phone number')).transform((value, ctx) => {
  const mobile = indianMobile(value);
  if (!mobile) {
    ctx.addIssue({ code: 'custom', message: NOT_A_MOBILE });
    return z.NEVER;
  }
  return mobile;
});

const email = z
  .string(required('an email address'))
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'is not an email address' }));

const payer = z
  .strictObject({ phone: phone.optional(), email: email.optional() }, required('an object'))
  .refine((p) => p.phone !== undefined || p.email !== undefined, { error: 'needs a phone number or an email' });

const charge = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('flat'), amountMinor: positivePaise }),
    z.strictObject({
      kind: z.literal('percent'),
      basisPoints: z
        .int(required('whole basis points'))
        .min(1, { error: 'must be at least 1 basis point' })
        .max(10_000, { error: 'must be at most 10000 basis points (100 %)' }),
    }),
  ],
  { error: "must be { kind: 'flat', amountMinor } or { kind: 'percent', basisPoints }" },
);

const line = z.strictObject({
  description: text(DEMAND_LIMITS.description),
  amountMinor: positivePaise,
  // An untaxed line may leave its tax out: no tax, no components.
  taxMinor: nonNegativePaise.default(0),
  taxes: z
    .array(
      z.strictObject({
        name: z.enum(TAX_NAMES, { error: `must be one of ${TAX_NAMES.join(', ')}` }),
        amountMinor: nonNegativePaise,
      }),
      required('a list'),
    )
    .default([]),
});

/** A new demand's fields, each checked on its own; normalises the payer's phone and email. */
export const newDemandSchema = z.strictObject({
  providerId: text(200),
  payer,
  title: text(DEMAND_LIMITS.title),
  lines: z
    .array(line, required('a list'))
    .min(1, { error: 'needs at least one line' })
    .max(DEMAND_LIMITS.lines, { error: `must have at most ${DEMAND_LIMITS.lines} lines` }),
  totalMinor: positivePaise.optional(),
  dueDate: day,
  instalments: z
    .array(z.strictObject({ dueDate: day, amountMinor: positivePaise }), required('a list'))
    .min(2, { error: 'a plan needs at least 2 instalments (leave it out for one payment)' })
    .max(DEMAND_LIMITS.instalments, { error: `must have at most ${DEMAND_LIMITS.instalments} instalments` })
    .optional(),
  lateFee: z
    .strictObject({
      charge,
      periodDays: z
        .int(required('a whole number of days'))
        .min(1, { error: 'must be at least 1 day' })
        .max(DEMAND_LIMITS.periodDays, { error: `must be at most ${DEMAND_LIMITS.periodDays} days` }),
      capMinor: positivePaise,
    })
    .optional(),
  earlyDiscount: z.strictObject({ off: charge, until: day }).optional(),
});
