import { parse } from 'csv-parse/sync';
import { charge, days, instalmentList, rupees } from './csv-cells.js';
import type { FieldError, NewDemand, TaxComponent, TaxName } from './demand-types.js';
import { validateNewDemand } from './new-demand-rules.js';

/**
 * The demand upload CSV: a header row, then one demand per row with one line item (the README has
 * an example, docs/demand-upload-example.csv). Column names are case-insensitive; optional columns
 * may be left out of the header or left empty. Money in rupees (1500.50), dates YYYY-MM-DD (IST).
 */
export const DEMAND_CSV_COLUMNS = {
  payer_phone: 'mobile number (10 digits, or +91...); payer_phone or payer_email or both',
  payer_email: 'email address',
  title: 'what the demand is for (required)',
  item: 'the line item description (required)',
  amount: 'the taxable value in rupees (required)',
  cgst: 'CGST in rupees',
  sgst: 'SGST in rupees',
  utgst: 'UTGST in rupees',
  igst: 'IGST in rupees',
  cess: 'cess in rupees',
  due_date: 'the (last) due date, YYYY-MM-DD (required)',
  instalments: 'rupees@due date; ... e.g. 2500@2026-01-15;2500@2026-02-15 (the last on due_date)',
  late_fee: 'per period: rupees (flat) or a percentage like 2%',
  late_fee_period_days: 'the period of the late fee in days (with late_fee)',
  late_fee_cap: 'the most late fee per instalment, rupees (with late_fee)',
  discount: 'early-payment discount per instalment: rupees or a percentage like 1.5%',
  discount_until: 'the last day the discount applies, YYYY-MM-DD (with discount)',
} as const;

export type DemandCsvColumn = keyof typeof DEMAND_CSV_COLUMNS;

const REQUIRED: DemandCsvColumn[] = ['title', 'item', 'amount', 'due_date'];
const TAX_COLUMNS: [DemandCsvColumn, TaxName][] = [
  ['cgst', 'CGST'],
  ['sgst', 'SGST'],
  ['utgst', 'UTGST'],
  ['igst', 'IGST'],
  ['cess', 'CESS'],
];

/** Most rows in one upload: a bigger file is split by the provider (keeps one upload one short request). */
export const MAX_UPLOAD_ROWS = 5_000;

/**
 * One error of an upload: `row` is the line of the file where the row starts (the header is
 * row 1: the spreadsheet's row number when no cell holds a line break), `column` the CSV column
 * ('' for the file as a whole), `message` what is wrong.
 */
export interface RowError {
  row: number;
  column: string;
  message: string;
}

/** Every row read and checked, or every error found. */
export type DemandCsv = { ok: true; rows: { row: number; demand: NewDemand }[] } | { ok: false; errors: RowError[] };

type CsvRecord = { [column: string]: string };

/**
 * Reads and checks a whole upload (pure): the header, then every row as a new demand of
 * `providerId` (validateNewDemand with `today`, an Indian day). Returns all rows, or all errors;
 * the caller creates nothing unless every row is good.
 */
export function parseDemandCsv(text: string, options: { providerId: string; today: string }): DemandCsv {
  const notCsv = notCsvText(text);
  if (notCsv) return { ok: false, errors: [{ row: 1, column: '', message: notCsv }] };
  let records: { record: string[]; raw: string; info: { lines: number } }[];
  try {
    // One kind of line break: csv-parse counts a CRLF inside a quoted cell as two lines. A row with
    // more or fewer values than the header is read (relax_column_count) and reported with the rest.
    records = parse(text.replace(/\r\n?/g, '\n'), {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      info: true,
      raw: true,
    }) as unknown as typeof records;
  } catch (error) {
    return { ok: false, errors: [csvSyntaxError(error as Error & { code?: string; lines?: number })] };
  }
  const [first, ...body] = records;
  const header = (first?.record ?? []).map((n) => n.trim().toLowerCase());
  const headerErrors = checkHeader(header, body.length);
  if (headerErrors.length) return { ok: false, errors: headerErrors };

  const rows: { row: number; demand: NewDemand }[] = [];
  const errors: RowError[] = [];
  for (const { record: values, raw, info } of body) {
    // info.lines is the line the row ends on; the raw text, less the skipped empty lines before it
    // and its own line end, has the line breaks inside its cells.
    const row = info.lines - (raw.replace(/^\n+|\n+$/g, '').match(/\n/g)?.length ?? 0);
    if (values.length !== header.length) {
      errors.push({ row, column: '', message: valueCountMessage(values.length, header.length) });
      continue;
    }
    const record: CsvRecord = Object.fromEntries(header.map((name, i) => [name, values[i] ?? '']));
    const read = readRow(record, options.providerId);
    if ('errors' in read) {
      errors.push(...read.errors.map((e) => ({ row, ...e })));
      continue;
    }
    const check = validateNewDemand(read.input, { today: options.today });
    if (check.ok) rows.push({ row, demand: check.demand });
    else errors.push(...check.errors.map((e) => ({ row, column: columnOf(e, record), message: e.message })));
  }
  return errors.length ? { ok: false, errors } : { ok: true, rows };
}

/** What to do with a file saved as "CSV" the wrong way. */
const SAVE_AS_CSV = 'save the spreadsheet as “CSV UTF-8 (comma delimited)” and upload that file';

/**
 * Why the text is not a CSV file of this upload at all, in plain words, or undefined: binary
 * content (a picture, a PDF, an Excel workbook: NUL bytes or bytes that are not UTF-8, which the
 * decoder turned into U+FFFD), or a header whose columns are separated by semicolons or tabs (a
 * spreadsheet set to a European locale) rather than commas.
 */
function notCsvText(text: string): string | undefined {
  const start = text.slice(0, 64 * 1024);
  if (start.includes('\u0000') || start.includes('\uFFFD')) {
    return `This is not a CSV file (it may be a picture, a PDF or an Excel workbook): ${SAVE_AS_CSV}`;
  }
  const header =
    text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .find((line) => line.trim()) ?? '';
  if (!header.includes(',')) {
    if (header.includes(';')) return `The columns are separated by semicolons (;), not commas: ${SAVE_AS_CSV}`;
    if (header.includes('\t')) return `The columns are separated by tabs, not commas: ${SAVE_AS_CSV}`;
  }
  return undefined;
}

/** A row with another number of values than the header has columns, and the likely cause. */
function valueCountMessage(found: number, expected: number): string {
  return found > expected
    ? `this row has ${found} values, not ${expected} (one per column): put an amount with commas in quotes ("1,000.00") or write it without commas (1000.00), and put quotes around text with a comma`
    : `this row has ${found} values, not ${expected} (one per column): leave a place, even empty, for every column`;
}

/** A file csv-parse cannot read, in plain words at the line it stopped (never the parser's own message). */
function csvSyntaxError(error: Error & { code?: string; lines?: number }): RowError {
  const row = error.lines ?? 1;
  const quote = ['CSV_QUOTE_NOT_CLOSED', 'CSV_INVALID_CLOSING_QUOTE', 'CSV_INVALID_OPENING_QUOTE'];
  const message = quote.includes(error.code ?? '')
    ? 'a quotation mark (") is not closed or is out of place: a cell in quotes starts and ends with one, and a quotation mark inside it is written twice ("")'
    : `this line cannot be read as CSV: ${SAVE_AS_CSV}`;
  return { row, column: '', message };
}

/** A column name as an error shows it: at most 40 characters, so a mangled header cannot flood the page. */
const shortened = (name: string) => (name.length > 40 ? `${name.slice(0, 39)}…` : name);

function checkHeader(header: string[], rowCount: number): RowError[] {
  const known = Object.keys(DEMAND_CSV_COLUMNS);
  const errors: RowError[] = header
    .filter((name) => !known.includes(name))
    .map((name) => ({
      row: 1,
      column: shortened(name),
      message: `unknown column (the columns are: ${known.join(', ')})`,
    }));
  for (const name of REQUIRED) {
    if (!header.includes(name)) errors.push({ row: 1, column: name, message: 'this column is required' });
  }
  if (!header.includes('payer_phone') && !header.includes('payer_email')) {
    errors.push({ row: 1, column: 'payer_phone', message: 'payer_phone or payer_email (or both) is required' });
  }
  if (new Set(header).size !== header.length) errors.push({ row: 1, column: '', message: 'a column is named twice' });
  if (errors.length === 0 && rowCount === 0) errors.push({ row: 2, column: '', message: 'the file has no demands' });
  if (rowCount > MAX_UPLOAD_ROWS) {
    errors.push({ row: MAX_UPLOAD_ROWS + 2, column: '', message: `at most ${MAX_UPLOAD_ROWS} demands per upload` });
  }
  return errors;
}

/** The row as a NewDemand-shaped input for validateNewDemand, or the cells that do not read. */
function readRow(record: CsvRecord, providerId: string): { input: unknown } | { errors: Omit<RowError, 'row'>[] } {
  const errors: Omit<RowError, 'row'>[] = [];
  const cell = (column: DemandCsvColumn): string => record[column] ?? '';
  const read = <T>(column: DemandCsvColumn, reader: (c: string) => { value: T } | { error: string }): T | undefined => {
    if (!cell(column)) return undefined;
    const result = reader(cell(column));
    if ('error' in result) errors.push({ column, message: result.error });
    return 'value' in result ? result.value : undefined;
  };
  const requireWith = (columns: DemandCsvColumn[]) => {
    if (!columns.some((c) => cell(c))) return false;
    for (const c of columns)
      if (!cell(c))
        errors.push({ column: c, message: `is required with ${columns.filter((o) => o !== c).join(' and ')}` });
    return true;
  };

  const taxes: TaxComponent[] = [];
  for (const [column, name] of TAX_COLUMNS) {
    const amountMinor = read(column, rupees);
    if (amountMinor !== undefined) taxes.push({ name, amountMinor });
  }
  const amountMinor = read('amount', rupees);
  const instalments = read('instalments', instalmentList);
  const hasLateFee = requireWith(['late_fee', 'late_fee_period_days', 'late_fee_cap']);
  const lateFee = {
    charge: read('late_fee', charge),
    periodDays: read('late_fee_period_days', days),
    capMinor: read('late_fee_cap', rupees),
  };
  const hasDiscount = requireWith(['discount', 'discount_until']);
  const discount = read('discount', charge);
  if (errors.length) return { errors };
  const payer = {
    ...(cell('payer_phone') ? { phone: cell('payer_phone') } : {}),
    ...(cell('payer_email') ? { email: cell('payer_email') } : {}),
  };
  return {
    input: {
      providerId,
      payer,
      title: cell('title'),
      lines: [
        {
          description: cell('item'),
          amountMinor,
          taxMinor: taxes.reduce((sum, t) => sum + t.amountMinor, 0),
          taxes,
        },
      ],
      dueDate: cell('due_date'),
      ...(instalments ? { instalments } : {}),
      ...(hasLateFee ? { lateFee } : {}),
      ...(hasDiscount ? { earlyDiscount: { off: discount, until: cell('discount_until') } } : {}),
    },
  };
}

/** The CSV column of a demand field error (the most specific prefix wins). */
const FIELD_COLUMNS: [string, DemandCsvColumn][] = [
  ['payer.phone', 'payer_phone'],
  ['payer.email', 'payer_email'],
  ['payer', 'payer_phone'],
  ['title', 'title'],
  ['lines.0.description', 'item'],
  ['lines.0.amountMinor', 'amount'],
  ['lines.0.taxMinor', 'cgst'],
  ['lines.0.taxes', 'cgst'],
  ['lines', 'amount'],
  ['totalMinor', 'amount'],
  ['dueDate', 'due_date'],
  ['instalments', 'instalments'],
  ['lateFee.periodDays', 'late_fee_period_days'],
  ['lateFee.capMinor', 'late_fee_cap'],
  ['lateFee', 'late_fee'],
  ['earlyDiscount.until', 'discount_until'],
  ['earlyDiscount', 'discount'],
];

function columnOf(error: FieldError, record: CsvRecord): string {
  const match = FIELD_COLUMNS.find(([prefix]) => error.field === prefix || error.field.startsWith(`${prefix}.`));
  const column = match?.[1] ?? '';
  // A tax error names the first tax column the row fills: the row has no single "tax" column.
  if (column === 'cgst') return TAX_COLUMNS.map(([c]) => c).find((c) => record[c]) ?? 'cgst';
  return column;
}
