/**
 * The demand form's fields in the words of the form itself, and the hub's rule sentences in a
 * provider's words: an error names the label the provider sees ("Line item 1 taxable value"),
 * never the API's path (`lines.0.amountMinor`) nor its units (paise, basis points).
 */

const FIXED: Record<string, string> = {
  payerPhone: 'Mobile number',
  payerEmail: 'Email address',
  title: 'What the demand is for',
  dueDate: 'Due date',
  lateFee: 'Late fee per period',
  lateFeePeriodDays: 'Late fee period, days',
  lateFeeCap: 'Most late fee per instalment',
  discount: 'Discount per instalment',
  discountUntil: 'Discount: paid on or before',
  reason: 'Reason',
  status: 'Status',
  dueFrom: 'Due on or after',
  dueTo: 'Due on or before',
  createdFrom: 'Raised on or after',
  createdTo: 'Raised on or before',
  file: 'CSV file',
};

/** The label a form field (by its id) shows: `line2Amount` → "Line item 2 taxable value". */
export function fieldLabel(field: string): string {
  const fixed = FIXED[field];
  if (fixed) return fixed;
  const line = /^line(\d+)(Description|Amount|Cgst|Sgst|Utgst|Igst|Cess)$/.exec(field);
  if (line) {
    const part =
      line[2] === 'Description' ? 'description' : line[2] === 'Amount' ? 'taxable value' : line[2]?.toUpperCase();
    return `Line item ${line[1]} ${part}`;
  }
  const instalment = /^instalment(\d+)(Due|Amount)$/.exec(field);
  if (instalment) return `Instalment ${instalment[1]} ${instalment[2] === 'Due' ? 'due date' : 'amount'}`;
  return field;
}

/** What a hub field path is called on the form where it has no single field of its own. */
export function pathLabel(path: string, field: string): string {
  const parts = path.split('.');
  const n = Number(parts[1]) + 1;
  if (parts[0] === 'lines' && Number.isInteger(n) && (parts[2] === 'taxes' || parts[2] === 'taxMinor')) {
    return `Line item ${n} tax`;
  }
  if (path === 'lines') return 'The line items';
  if (path === 'instalments') return 'The instalments';
  if (path === 'payer') return 'Payer';
  if (path === 'totalMinor') return 'The total';
  return fieldLabel(field);
}

/** The hub's sentences that speak its units or paths, in the form's words. */
const REWORDED: [RegExp, string][] = [
  [/^must be at most 10000 basis points \(100 %\)$/, 'must be at most 100%'],
  [/^must be at least 1 basis point$/, 'must be at least 0.01%'],
  [/^must be less than 100 %$/, 'must be less than 100%'],
  [/^must be (a )?whole (number of )?(paise|basis points)$/, 'must be rupees with at most two decimals, like 1500.50'],
  [/^must be a whole number of days$/, 'must be a whole number of days'],
  [/^must be \{ kind: .*$/, 'must be rupees (100) or a percentage (2%)'],
  [/^must be a date written YYYY-MM-DD$/, 'must be a date'],
  [/^must be the demand's due date$/, 'must be the same as the due date'],
  [/^needs a phone number or an email$/, 'needs a mobile number or an email address (or both)'],
  [/^is required$/, 'is required'],
];

/** A hub rule sentence in a provider's words. */
export function reworded(message: string): string {
  for (const [pattern, words] of REWORDED) if (pattern.test(message)) return words;
  return message;
}

/** "Due date is in the past"; "Line item 1 tax: tax components add up to …" when the sentence has no verb of its own. */
export function errorText(label: string, message: string): string {
  const sentence = reworded(message);
  return /^(is|are|must|needs|need|add|adds|has|have|cannot|names)\b/.test(sentence)
    ? `${label} ${sentence}`
    : `${label}: ${sentence}`;
}
