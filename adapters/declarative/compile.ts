import { type CompiledExpression, ExpressionCompiler } from './expressions.js';
import type {
  AmountDeclaration,
  BillDeclaration,
  Declaration,
  ErrorRule,
  Outcome,
  ReportDeclaration,
  RequestDeclaration,
  ResultDeclaration,
} from './schema.js';

/** A call's request with its templates compiled: the path as literal text and placeholders. */
export interface CompiledRequest {
  field: string;
  method: RequestDeclaration['method'];
  path: (string | CompiledExpression)[];
  query: Record<string, CompiledExpression>;
  body?: { encoding: 'json' | 'form'; fields: Record<string, CompiledExpression> };
  idempotent: boolean;
}

export interface CompiledRule {
  statuses?: number[];
  when?: CompiledExpression;
  outcome: Outcome;
  code?: CompiledExpression;
  message?: CompiledExpression;
}

export interface CompiledAmount {
  expr: CompiledExpression;
  unit: 'decimal' | 'minor';
}

export interface CompiledBill {
  check?: CompiledExpression;
  billNumber: CompiledExpression;
  customerName: CompiledExpression;
  billDate: CompiledExpression;
  dueDate: CompiledExpression;
  periodStart?: CompiledExpression;
  periodEnd?: CompiledExpression;
  amountDue: CompiledAmount;
  breakup: { lines: CompiledExpression; unit: 'decimal' | 'minor'; remainderLabel?: string; keepZeroLines: boolean };
  earlyPayment?: { when?: CompiledExpression; date: CompiledExpression; amount: CompiledAmount };
  latePayment?: { when?: CompiledExpression; date: CompiledExpression; amount: CompiledAmount };
  amountOptions?: { options: CompiledExpression; unit: 'decimal' | 'minor' };
}

export interface CompiledResult {
  record?: CompiledExpression;
  status: CompiledExpression;
  billerReference?: CompiledExpression;
  reference?: CompiledExpression;
}

export interface CompiledReport {
  request: CompiledRequest;
  errors: CompiledRule[];
  format: 'csv' | 'json';
  rows?: CompiledExpression;
  entry: {
    reference: CompiledExpression;
    billerReference: CompiledExpression;
    consumer: CompiledExpression;
    billNumber: CompiledExpression;
    amount: CompiledAmount;
    acceptedAt: CompiledExpression;
  };
}

/** A declaration with every expression compiled, ready for the engine (adapter.ts). */
export interface CompiledDeclaration {
  declaration: Declaration;
  fetch: { request: CompiledRequest; errors: CompiledRule[]; bill: CompiledBill };
  post: { request: CompiledRequest; errors: CompiledRule[]; result: CompiledResult };
  status: { request: CompiledRequest; errors: CompiledRule[]; result: CompiledResult };
  collectionReport?: CompiledReport;
}

const PLACEHOLDER = /\{([^{}]+)\}/g;

function request(c: ExpressionCompiler, field: string, declared: RequestDeclaration): CompiledRequest {
  const path: CompiledRequest['path'] = [];
  let last = 0;
  for (const match of declared.path.matchAll(PLACEHOLDER)) {
    path.push(declared.path.slice(last, match.index));
    path.push(c.compile(`${field}.path {${match[1]}}`, match[1] ?? ''));
    last = (match.index ?? 0) + match[0].length;
  }
  path.push(declared.path.slice(last));
  return {
    field,
    method: declared.method,
    path: path.filter((part) => part !== ''),
    query: c.record(`${field}.query`, declared.query),
    ...(declared.body
      ? { body: { encoding: declared.body.encoding, fields: c.record(`${field}.body.fields`, declared.body.fields) } }
      : {}),
    idempotent: declared.idempotent ?? declared.method === 'GET',
  };
}

function rules(c: ExpressionCompiler, field: string, declared: ErrorRule[]): CompiledRule[] {
  return declared.map((rule, i) => ({
    ...(rule.status !== undefined ? { statuses: Array.isArray(rule.status) ? rule.status : [rule.status] } : {}),
    ...(rule.when !== undefined ? { when: c.compile(`${field}[${i}].when`, rule.when) } : {}),
    outcome: rule.outcome,
    ...(rule.code !== undefined ? { code: c.compile(`${field}[${i}].code`, rule.code) } : {}),
    ...(rule.message !== undefined ? { message: c.compile(`${field}[${i}].message`, rule.message) } : {}),
  }));
}

function amount(
  c: ExpressionCompiler,
  field: string,
  declared: AmountDeclaration,
  unit: 'decimal' | 'minor',
): CompiledAmount {
  return typeof declared === 'string'
    ? { expr: c.compile(field, declared), unit }
    : { expr: c.compile(`${field}.expr`, declared.expr), unit: declared.unit };
}

function bill(c: ExpressionCompiler, field: string, declared: BillDeclaration): CompiledBill {
  const unit = declared.amountUnit;
  const opt = (name: keyof BillDeclaration & string, source: string | undefined) =>
    c.optional(`${field}.${name}`, source);
  const dated = (name: 'earlyPayment' | 'latePayment', dateField: 'until' | 'from') => {
    const part = declared[name];
    if (!part) return undefined;
    const date = dateField === 'until' ? (part as { until: string }).until : (part as { from: string }).from;
    return {
      ...(part.when !== undefined ? { when: c.compile(`${field}.${name}.when`, part.when) } : {}),
      date: c.compile(`${field}.${name}.${dateField}`, date),
      amount: amount(c, `${field}.${name}.amount`, part.amount, unit),
    };
  };
  const earlyPayment = dated('earlyPayment', 'until');
  const latePayment = dated('latePayment', 'from');
  const check = opt('check', declared.check);
  const periodStart = opt('periodStart', declared.periodStart);
  const periodEnd = opt('periodEnd', declared.periodEnd);
  return {
    ...(check ? { check } : {}),
    billNumber: c.compile(`${field}.billNumber`, declared.billNumber),
    customerName: c.compile(`${field}.customerName`, declared.customerName),
    billDate: c.compile(`${field}.billDate`, declared.billDate),
    dueDate: c.compile(`${field}.dueDate`, declared.dueDate),
    ...(periodStart ? { periodStart } : {}),
    ...(periodEnd ? { periodEnd } : {}),
    amountDue: amount(c, `${field}.amountDue`, declared.amountDue, unit),
    breakup: {
      lines: c.compile(`${field}.breakup.lines`, declared.breakup.lines),
      unit: declared.breakup.unit ?? unit,
      ...(declared.breakup.remainderLabel ? { remainderLabel: declared.breakup.remainderLabel } : {}),
      keepZeroLines: declared.breakup.keepZeroLines,
    },
    ...(earlyPayment ? { earlyPayment } : {}),
    ...(latePayment ? { latePayment } : {}),
    ...(declared.amountOptions
      ? {
          amountOptions: {
            options: c.compile(`${field}.amountOptions.options`, declared.amountOptions.options),
            unit: declared.amountOptions.unit ?? unit,
          },
        }
      : {}),
  };
}

function result(c: ExpressionCompiler, field: string, declared: ResultDeclaration): CompiledResult {
  const record = c.optional(`${field}.record`, declared.record);
  const billerReference = c.optional(`${field}.billerReference`, declared.billerReference);
  const reference = c.optional(`${field}.reference`, declared.reference);
  return {
    ...(record ? { record } : {}),
    status: c.compile(`${field}.status`, declared.status),
    ...(billerReference ? { billerReference } : {}),
    ...(reference ? { reference } : {}),
  };
}

function report(
  c: ExpressionCompiler,
  field: string,
  declared: ReportDeclaration,
  shared: CompiledRule[],
): CompiledReport {
  const { entry } = declared;
  const rows = c.optional(`${field}.rows`, declared.rows);
  return {
    request: request(c, `${field}.request`, declared.request),
    errors: [...rules(c, `${field}.errors`, declared.errors), ...shared],
    format: declared.format,
    ...(rows ? { rows } : {}),
    entry: {
      reference: c.compile(`${field}.entry.reference`, entry.reference),
      billerReference: c.compile(`${field}.entry.billerReference`, entry.billerReference),
      consumer: c.compile(`${field}.entry.consumer`, entry.consumer),
      billNumber: c.compile(`${field}.entry.billNumber`, entry.billNumber),
      amount: amount(c, `${field}.entry.amount`, entry.amount, entry.amountUnit),
      acceptedAt: c.compile(`${field}.entry.acceptedAt`, entry.acceptedAt),
    },
  };
}

/**
 * Compiles every expression of a (schema-checked) declaration once. Returns the compiled form,
 * or the list of problems, each naming its field, when any expression does not compile.
 */
export function compileDeclaration(declaration: Declaration): CompiledDeclaration | string[] {
  const c = new ExpressionCompiler();
  const shared = rules(c, 'errors', declaration.errors);
  const compiled: CompiledDeclaration = {
    declaration,
    fetch: {
      request: request(c, 'fetch.request', declaration.fetch.request),
      errors: [...rules(c, 'fetch.errors', declaration.fetch.errors), ...shared],
      bill: bill(c, 'fetch.bill', declaration.fetch.bill),
    },
    post: {
      request: request(c, 'post.request', declaration.post.request),
      errors: [...rules(c, 'post.errors', declaration.post.errors), ...shared],
      result: result(c, 'post.result', declaration.post.result),
    },
    status: {
      request: request(c, 'status.request', declaration.status.request),
      errors: [...rules(c, 'status.errors', declaration.status.errors), ...shared],
      result: result(c, 'status.result', declaration.status.result),
    },
    ...(declaration.collectionReport
      ? { collectionReport: report(c, 'collectionReport', declaration.collectionReport, shared) }
      : {}),
  };
  return c.problems.length ? c.problems : compiled;
}
