import type { Context } from 'koa';
import { charge, days, rupees } from '../../hub/demands/csv-cells.js';
import { field } from '../../hub/portal/http/forms.js';
import { minorToDecimal } from '../../infra/web/format.js';
import type { Charge, DemandJson } from '../api/types.js';
import type { FieldError } from '../http/pages.js';

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

/**
 * Reads the form into the hub's demand body. Only what a form can get wrong on its own is checked
 * here (a number that is not rupees, half a rule); the demand's rules (instalments adding up, dates,
 * taxes) are the hub's, whose problem details the page shows field by field.
 */
export function demandBodyOf(values: DemandFormValues): { body: DemandBody; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const money = (name: string, label: string): number | undefined => {
    const cell = rupees(values[name] ?? '');
    if ('error' in cell) {
      errors.push({ field: name, text: `${label}: ${cell.error}` });
      return undefined;
    }
    return cell.value;
  };
  const lines: DemandBody['lines'] = [];
  for (let i = 1; i <= FORM_LINES; i++) {
    const description = values[`line${i}Description`] ?? '';
    const amountText = values[`line${i}Amount`] ?? '';
    const taxNames = TAXES.filter((tax) => values[`line${i}${taxField(tax)}`]);
    if (!description && !amountText && !taxNames.length && i > 1) continue;
    const amountMinor = money(`line${i}Amount`, `Line ${i} amount`) ?? 0;
    const taxes = taxNames.map((name) => ({
      name,
      amountMinor: money(`line${i}${taxField(name)}`, `Line ${i} ${name}`) ?? 0,
    }));
    lines.push({
      description,
      amountMinor,
      taxMinor: taxes.reduce((sum, tax) => sum + tax.amountMinor, 0),
      taxes,
    });
  }
  const instalments: { dueDate: string; amountMinor: number }[] = [];
  for (let i = 1; i <= FORM_INSTALMENTS; i++) {
    const due = values[`instalment${i}Due`] ?? '';
    const amount = values[`instalment${i}Amount`] ?? '';
    if (!due && !amount) continue;
    instalments.push({ dueDate: due, amountMinor: money(`instalment${i}Amount`, `Instalment ${i} amount`) ?? 0 });
  }
  const body: DemandBody = {
    payer: {
      ...(values.payerPhone ? { phone: values.payerPhone } : {}),
      ...(values.payerEmail ? { email: values.payerEmail } : {}),
    },
    title: values.title ?? '',
    lines,
    dueDate: values.dueDate ?? '',
    ...(instalments.length ? { instalments } : {}),
  };
  const lateFee = [values.lateFee, values.lateFeePeriodDays, values.lateFeeCap];
  if (lateFee.some(Boolean)) {
    const fee = charge(values.lateFee ?? '');
    const period = days(values.lateFeePeriodDays ?? '');
    if ('error' in fee) errors.push({ field: 'lateFee', text: `Late fee: ${fee.error} (rupees or a percentage)` });
    if ('error' in period) errors.push({ field: 'lateFeePeriodDays', text: `Late fee period: ${period.error}` });
    const cap = money('lateFeeCap', 'Late fee cap');
    if ('value' in fee && 'value' in period && cap !== undefined) {
      body.lateFee = { charge: fee.value, periodDays: period.value, capMinor: cap };
    }
  }
  if (values.discount || values.discountUntil) {
    const off = charge(values.discount ?? '');
    if ('error' in off) errors.push({ field: 'discount', text: `Early-payment discount: ${off.error}` });
    else body.earlyDiscount = { off: off.value, until: values.discountUntil ?? '' };
  }
  return { body, errors };
}
