import type { Context } from 'koa';
import { charge, days, rupees } from '../../hub/demands/csv-cells.js';
import { validateNewDemand } from '../../hub/demands/new-demand-rules.js';
import { DEMAND_LIMITS, TOO_LARGE } from '../../hub/demands/new-demand-schema.js';
import { field } from '../../hub/portal/http/forms.js';
import { minorToDecimal } from '../../infra/web/format.js';
import type { Charge, DemandJson } from '../api/types.js';
import type { FieldError } from '../http/pages.js';
import { BAD_DATE, readDay } from './dates.js';
import { errorText, fieldLabel, pathLabel } from './field-labels.js';
import { formFieldOf } from './problem-errors.js';

/** Line items and instalments the form offers (more go through the CSV upload or the API). */
export const FORM_LINES = 3;
export const FORM_INSTALMENTS = 6;
const TAXES = ['CGST', 'SGST', 'UTGST', 'IGST', 'CESS'] as const;
const taxField = (name: string) => name.charAt(0) + name.slice(1).toLowerCase();

/** The form's values by field name (as typed, for showing the form again). */
export type DemandFormValues = Record<string, string>;

/** Every field name of the demand form. */
export function demandFormFields(): string[] {
  const lines = Array.from({ length: FORM_LINES }, (_, i) => [
    `line${i + 1}Description`,
    `line${i + 1}Amount`,
    ...TAXES.map((tax) => `line${i + 1}${taxField(tax)}`),
  ]).flat();
  const instalments = Array.from({ length: FORM_INSTALMENTS }, (_, i) => [
    `instalment${i + 1}Due`,
    `instalment${i + 1}Amount`,
  ]).flat();
  return [
    'payerPhone',
    'payerEmail',
    'title',
    'dueDate',
    ...lines,
    ...instalments,
    'lateFee',
    'lateFeePeriodDays',
    'lateFeeCap',
    'discount',
    'discountUntil',
  ];
}

/** The posted form's values, trimmed. */
export function readDemandForm(ctx: Context): DemandFormValues {
  return Object.fromEntries(demandFormFields().map((name) => [name, field(ctx, name).trim()]));
}

const rupeesText = (minor: number) => minorToDecimal(minor, 'INR');
const chargeText = (c: Charge) =>
  c.kind === 'flat' ? rupeesText(c.amountMinor) : `${minorToDecimal(c.basisPoints, 'INR')}%`;

/** A demand's values in the form (for amending it). */
export function formValuesOf(demand: DemandJson): DemandFormValues {
  const values: DemandFormValues = {
    payerPhone: demand.payer.phone ?? '',
    payerEmail: demand.payer.email ?? '',
    title: demand.title,
    dueDate: demand.dueDate,
  };
  demand.lines.slice(0, FORM_LINES).forEach((line, i) => {
    values[`line${i + 1}Description`] = line.description;
    values[`line${i + 1}Amount`] = rupeesText(line.amountMinor);
    for (const tax of line.taxes) values[`line${i + 1}${taxField(tax.name)}`] = rupeesText(tax.amountMinor);
  });
  if (demand.instalments.length > 1) {
    demand.instalments.slice(0, FORM_INSTALMENTS).forEach((instalment, i) => {
      values[`instalment${i + 1}Due`] = instalment.dueDate;
      values[`instalment${i + 1}Amount`] = rupeesText(instalment.amountMinor);
    });
  }
  if (demand.lateFee) {
    values.lateFee = chargeText(demand.lateFee.charge);
    values.lateFeePeriodDays = String(demand.lateFee.periodDays);
    values.lateFeeCap = rupeesText(demand.lateFee.capMinor);
  }
  if (demand.earlyDiscount) {
    values.discount = chargeText(demand.earlyDiscount.off);
    values.discountUntil = demand.earlyDiscount.until;
  }
  return values;
}

/** The demand the form describes, in the hub API's shape (POST /demands), or the fields that do not read. */
export type DemandBody = {
  payer: { phone?: string; email?: string };
  title: string;
  lines: {
    description: string;
    amountMinor: number;
    taxMinor: number;
    taxes: { name: string; amountMinor: number }[];
  }[];
  dueDate: string;
  instalments?: { dueDate: string; amountMinor: number }[];
  lateFee?: { charge: Charge; periodDays: number; capMinor: number };
  earlyDiscount?: { off: Charge; until: string };
};

/** Hub rules that add amounts up: meaningless while an amount did not read, so not shown then. */
const SUM_RULES = ['lines', 'totalMinor', 'instalments', 'earlyDiscount.off'];

/**
 * Reads the form into the hub's demand body, reporting every field's error at once:
 * - what the form alone can get wrong (rupees that do not read, a required or partner field left
 *   empty), each named by the form's label (field-labels.ts);
 * - and, when there is any such error, the demand's own rules too (validateNewDemand, the hub's,
 *   with `today` for a new demand), run here on the rest of the form, so a provider fixing "1,500"
 *   learns in the same answer that the due date is past or the title missing.
 * An optional group left wholly empty (a second line item, the instalments, the late fee, the
 * discount) is no error; a group begun needs its other fields. With instalments and no due date,
 * the due date is the last instalment's (it must be). Money is rupees in, paise out.
 */
export function demandBodyOf(
  values: DemandFormValues,
  options: { today?: string } = {},
): { body: DemandBody; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, text: errorText(fieldLabel(field), message) });
  /** Paise of a money field; `required` says what an empty one is (an error, or absent). */
  const money = (name: string, required: string | false): number | undefined => {
    const text = values[name] ?? '';
    if (!text) {
      if (required) fail(name, required);
      return undefined;
    }
    const cell = rupees(text);
    if ('error' in cell) {
      fail(name, /^\d{13,}(\.\d*)?$/.test(text) ? TOO_LARGE : 'must be rupees like 1500 or 1500.50 (no commas or ₹)');
      return undefined;
    }
    if (cell.value > DEMAND_LIMITS.maxMinor) fail(name, TOO_LARGE);
    return cell.value;
  };
  /** A date field as YYYY-MM-DD ('' when empty); one that is not a real date is an error, its text kept. */
  const day = (name: string): string => {
    const text = values[name] ?? '';
    const read = readDay(text);
    if (read !== undefined) return read;
    fail(name, BAD_DATE);
    return text;
  };
  const lines: DemandBody['lines'] = [];
  for (let i = 1; i <= FORM_LINES; i++) {
    const description = values[`line${i}Description`] ?? '';
    const amountText = values[`line${i}Amount`] ?? '';
    const taxNames = TAXES.filter((tax) => values[`line${i}${taxField(tax)}`]);
    if (!description && !amountText && !taxNames.length && i > 1) continue;
    if (!description) fail(`line${i}Description`, 'is required');
    const amountMinor = money(`line${i}Amount`, 'is required') ?? 1;
    const taxes = taxNames.map((name) => ({ name, amountMinor: money(`line${i}${taxField(name)}`, false) ?? 0 }));
    lines.push({
      description: description || 'x',
      amountMinor,
      taxMinor: taxes.reduce((sum, tax) => sum + tax.amountMinor, 0),
      taxes,
    });
  }
  const instalments: { dueDate: string; amountMinor: number }[] = [];
  for (let i = 1; i <= FORM_INSTALMENTS; i++) {
    const due = day(`instalment${i}Due`);
    const amount = values[`instalment${i}Amount`] ?? '';
    if (!due && !amount) continue;
    if (!due) fail(`instalment${i}Due`, 'is required with its amount');
    instalments.push({
      dueDate: due,
      amountMinor: money(`instalment${i}Amount`, 'is required with its due date') ?? 1,
    });
  }
  const dueDate = day('dueDate') || instalments.at(-1)?.dueDate || '';
  if (!dueDate) fail('dueDate', 'is required');
  const body: DemandBody = {
    payer: {
      ...(values.payerPhone ? { phone: values.payerPhone } : {}),
      ...(values.payerEmail ? { email: values.payerEmail } : {}),
    },
    title: values.title ?? '',
    lines,
    dueDate,
    ...(instalments.length ? { instalments } : {}),
  };
  const lateFeeFields = ['lateFee', 'lateFeePeriodDays', 'lateFeeCap'];
  if (lateFeeFields.some((name) => values[name])) {
    const withFee = 'is required with a late fee (fill in all three, or none)';
    const fee = values.lateFee ? charge(values.lateFee) : undefined;
    const period = values.lateFeePeriodDays ? days(values.lateFeePeriodDays) : undefined;
    if (!fee) fail('lateFee', withFee);
    else if ('error' in fee) fail('lateFee', 'must be rupees (100) or a percentage (2%)');
    if (!period) fail('lateFeePeriodDays', withFee);
    else if ('error' in period) fail('lateFeePeriodDays', 'must be a whole number of days');
    const cap = money('lateFeeCap', withFee);
    body.lateFee = {
      charge: fee && 'value' in fee ? fee.value : { kind: 'flat', amountMinor: 1 },
      periodDays: period && 'value' in period ? period.value : 1,
      capMinor: cap ?? 1,
    };
  }
  if (values.discount || values.discountUntil) {
    const withDiscount = 'is required with a discount (fill in both, or neither)';
    const off = values.discount ? charge(values.discount) : undefined;
    if (!off) fail('discount', withDiscount);
    else if ('error' in off) fail('discount', 'must be rupees (50) or a percentage (1.5%)');
    if (!values.discountUntil) fail('discountUntil', withDiscount);
    body.earlyDiscount = {
      off: off && 'value' in off ? off.value : { kind: 'flat', amountMinor: 1 },
      until: day('discountUntil') || dueDate,
    };
  }
  if (errors.length) errors.push(...ruleErrors(body, errors, options.today));
  return { body, errors };
}

/** The hub's rules on the form's other fields, each on its form field and in the form's words. */
function ruleErrors(body: DemandBody, found: FieldError[], today: string | undefined): FieldError[] {
  const check = validateNewDemand({ ...body, providerId: 'form' }, today ? { today } : {});
  if (check.ok) return [];
  const taken = new Set(found.map((e) => e.field));
  const amountFailed = found.some((e) => /Amount$|Cgst|Sgst|Utgst|Igst|Cess|^lateFee|^discount$/.test(e.field));
  return check.errors
    .filter((e) => !(amountFailed && SUM_RULES.some((p) => e.field === p || e.field.startsWith(`${p}.`))))
    .map((e) => ({ path: e.field, field: formFieldOf(e.field, 'payerPhone'), message: e.message }))
    .filter((e) => !taken.has(e.field))
    .map((e) => ({ field: e.field, text: errorText(pathLabel(e.path, e.field), e.message) }));
}
