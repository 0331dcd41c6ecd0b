import type { ApiProblem } from '../../hub/portal/api/hub-api.js';
import type { FieldError } from '../http/pages.js';
import { errorText, pathLabel, reworded } from './field-labels.js';

/**
 * The field errors of a hub problem: a demand's rule errors (`errors: [{field, message}]`, field a
 * dotted path into the demand) or the request validation's (`fields: [{field, problem}]`).
 */
export function problemFields(problem: ApiProblem): { field: string; message: string }[] {
  const body = problem.body as { errors?: unknown; fields?: unknown };
  const list = Array.isArray(body.errors) ? body.errors : Array.isArray(body.fields) ? body.fields : [];
  const found = list
    .map((entry) => entry as { field?: unknown; message?: unknown; problem?: unknown })
    .filter((entry) => typeof entry.field === 'string')
    .map((entry) => ({
      field: String(entry.field),
      message: String(entry.message ?? entry.problem ?? 'is not valid'),
    }));
  return found.length ? found : [{ field: '', message: problem.detail || 'the hub refused this' }];
}

/** Which form field (its id) shows an error on a hub field path; unknown paths go to `fallback`. */
export function formFieldOf(path: string, fallback: string): string {
  const parts = path.split('.');
  const n = Number(parts[1]) + 1;
  switch (parts[0]) {
    case 'payer':
      return parts[1] === 'email' ? 'payerEmail' : 'payerPhone';
    case 'title':
    case 'dueDate':
    case 'reason':
      return parts[0];
    case 'totalMinor':
      return 'line1Amount';
    case 'lines':
      if (!Number.isInteger(n)) return 'line1Description';
      if (parts[2] === 'amountMinor') return `line${n}Amount`;
      if (parts[2] === 'taxes' || parts[2] === 'taxMinor') return `line${n}Cgst`;
      return `line${n}Description`;
    case 'instalments':
      if (!Number.isInteger(n)) return 'instalment1Amount';
      return parts[2] === 'dueDate' ? `instalment${n}Due` : `instalment${n}Amount`;
    case 'lateFee':
      if (parts[1] === 'periodDays') return 'lateFeePeriodDays';
      if (parts[1] === 'capMinor') return 'lateFeeCap';
      return 'lateFee';
    case 'earlyDiscount':
      return parts[1] === 'until' ? 'discountUntil' : 'discount';
    case 'status':
    case 'dueFrom':
    case 'dueTo':
    case 'payer_filter':
    case 'createdFrom':
    case 'createdTo':
      return parts[0];
    default:
      return fallback;
  }
}

/**
 * A hub problem's field errors as form errors, each on its form field, named by the form's own
 * label and in a provider's words (field-labels.ts): "Due date is in the past", never
 * "DueDate: is in the past". A problem without fields is its detail, with a capital letter.
 */
export function formErrorsOf(problem: ApiProblem, fallback: string): FieldError[] {
  return problemFields(problem).map(({ field, message }) => {
    const formField = formFieldOf(field, fallback);
    return {
      field: formField,
      text: field ? errorText(pathLabel(field, formField), message) : capitalised(reworded(message)),
    };
  });
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
