import { z } from 'zod';
import { jsonataSyntaxProblem } from './expressions.js';

/**
 * The shape of a declaration file (`adapters/<folder>/<name>.biller.yaml`, or .yml/.json): a
 * biller described by data alone. Every string called an expression is JSONata
 * (https://docs.jsonata.org), compiled once when the file loads (see compile.ts). README.md in this
 * folder documents each field with an example. Unknown fields are refused everywhere, so a typo is
 * an error naming its path rather than a setting silently ignored.
 */

/** A JSONata expression, e.g. `bill.billNo` or `consumer.consumerNumber`; its syntax is checked here, with the shape. */
const expression = z
  .string()
  .min(1, 'an expression (JSONata) is required')
  .superRefine((source, ctx) => {
    const problem = jsonataSyntaxProblem(source);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,63}$/;
const optionName = z.string().regex(NAME, 'an option name (letters, digits, underscore)');

/** One option a registry entry must (or may) give, e.g. `apiKey: {type: string, secret: true}`. */
export const optionSchema = z
  .object({
    type: z.enum(['url', 'string', 'integer']),
    /** Required unless it has a default. */
    required: z.boolean().optional(),
    /** Kept out of every log line and error (createBillerHttp's `secrets`). */
    secret: z.boolean().default(false),
    default: z.union([z.string(), z.number()]).optional(),
    /** For strings: the fewest characters accepted (default 1). */
    minLength: z.number().int().min(1).optional(),
    /** For integers: bounds, inclusive. */
    min: z.number().int().optional(),
    max: z.number().int().optional(),
    description: z.string().optional(),
  })
  .strict();
export type OptionDeclaration = z.infer<typeof optionSchema>;

const descriptorSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    category: z.enum(['electricity', 'water', 'gas', 'other']),
    consumerParams: z
      .array(z.object({ name: z.string(), label: z.string(), pattern: z.string(), example: z.string() }).strict())
      .min(1),
    fetchRequirement: z.enum(['MANDATORY', 'OPTIONAL', 'NOT_SUPPORTED']),
    exactness: z.enum(['EXACT', 'EXACT_AND_ABOVE', 'EXACT_AND_BELOW', 'ANY']),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code, e.g. INR'),
  })
  .strict();

const apiKeyAuth = z
  .object({
    kind: z.literal('apiKey'),
    /** The header that carries the key, e.g. X-Api-Key. */
    header: z.string().min(1),
    /** The option holding the key. */
    option: optionName,
    /** Written before the key, e.g. "Token ". */
    prefix: z.string().default(''),
  })
  .strict();

const hmacAuth = z
  .object({
    kind: z.literal('hmac'),
    algorithm: z.enum(['sha256', 'sha512']),
    /** The option holding the shared secret. */
    secretOption: optionName,
    /** Added to the body before signing, e.g. `{field: ts, unit: seconds}`. */
    timestamp: z
      .object({ field: z.string().min(1), unit: z.enum(['seconds', 'milliseconds', 'iso']) })
      .strict()
      .optional(),
    /** The signed text: each body field as `pair`, in `order`, joined by `separator`. */
    canonical: z
      .object({
        order: z.enum(['sorted', 'declared']).default('sorted'),
        /** `{name}` and `{value}` are replaced; values are raw (not URL-encoded). */
        pair: z.string().includes('{value}', { message: 'must contain {value}' }).default('{name}={value}'),
        separator: z.string().default('&'),
      })
      .strict()
      .default({ order: 'sorted', pair: '{name}={value}', separator: '&' }),
    /** Where the signature goes: a body field or a header (exactly one). */
    signature: z
      .object({
        field: z.string().min(1).optional(),
        header: z.string().min(1).optional(),
        encoding: z.enum(['hex', 'base64']).default('hex'),
      })
      .strict()
      .refine((s) => (s.field === undefined) !== (s.header === undefined), 'give exactly one of field or header'),
  })
  .strict();

const oauth2Auth = z
  .object({
    kind: z.literal('oauth2'),
    /** Relative to the base URL, or absolute. */
    tokenUrl: z.string().min(1),
    clientIdOption: optionName,
    clientSecretOption: optionName,
    /** RFC 6749 2.3.1: in the form body, or as HTTP Basic. */
    credentials: z.enum(['form', 'basic']).default('form'),
    scope: z.string().optional(),
  })
  .strict();

export const authSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  apiKeyAuth,
  hmacAuth,
  oauth2Auth,
]);
export type AuthDeclaration = z.infer<typeof authSchema>;

/** How one call is sent. Expressions see `consumer`, `posting`, `reference`, `options`, `now`. */
const requestSchema = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT']),
    /** `{expression}` placeholders are evaluated and URL-encoded, e.g. `/v2/consumers/{consumer.consumerNumber}/bill`. */
    path: z.string().startsWith('/', 'must start with /'),
    query: z.record(z.string(), expression).optional(),
    body: z
      .object({ encoding: z.enum(['json', 'form']), fields: z.record(z.string(), expression) })
      .strict()
      .optional(),
    /** Safe to send twice (retried on timeouts and 5xx). Defaults to true for GET; a POST says so only when the biller dedupes it. */
    idempotent: z.boolean().optional(),
  })
  .strict();

/** Contract outcomes an answer can be declared to mean. */
export const OUTCOMES = ['consumer_not_found', 'rejected', 'unavailable', 'pending', 'not_found', 'duplicate'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** One error rule: an HTTP status list and/or a condition on the body; the first rule that matches decides. */
export const errorRuleSchema = z
  .object({
    status: z.union([z.number().int(), z.array(z.number().int()).min(1)]).optional(),
    when: expression.optional(),
    outcome: z.enum(OUTCOMES),
    /** The biller's own code (kept as billerCode); defaults to the HTTP status. */
    code: expression.optional(),
    message: expression.optional(),
  })
  .strict()
  .refine((rule) => rule.status !== undefined || rule.when !== undefined, 'give status, when, or both');
export type ErrorRule = z.infer<typeof errorRuleSchema>;

const amountUnit = z.enum(['decimal', 'minor']);
/** An amount: an expression in the mapping's `amountUnit`, or `{expr, unit}` for another unit. */
const amountSchema = z.union([expression, z.object({ expr: expression, unit: amountUnit }).strict()]);
export type AmountDeclaration = z.infer<typeof amountSchema>;

const billSchema = z
  .object({
    /** Unit of every amount here unless a field says otherwise: decimal strings ("1234.50") or integer minor units. */
    amountUnit,
    /** Must be true, e.g. that the answer is for the consumer asked about; else the answer is not trusted. */
    check: expression.optional(),
    billNumber: expression,
    /** Masked by the engine (maskName) before it leaves the adapter. */
    customerName: expression,
    billDate: expression,
    dueDate: expression,
    periodStart: expression.optional(),
    periodEnd: expression.optional(),
    amountDue: amountSchema,
    breakup: z
      .object({
        /** An array of `{label, amount}`. */
        lines: expression,
        unit: amountUnit.optional(),
        /** When the lines fall short of (or exceed) the amount due, one line of this label makes up the gap; without it a gap is a malformed answer. */
        remainderLabel: z.string().min(1).optional(),
        keepZeroLines: z.boolean().default(false),
      })
      .strict(),
    earlyPayment: z
      .object({ when: expression.optional(), until: expression, amount: amountSchema })
      .strict()
      .optional(),
    latePayment: z.object({ when: expression.optional(), from: expression, amount: amountSchema }).strict().optional(),
    /** An array of `{code, label, amount, breakup?: [{label, amount}]}` (BBPS amount options). */
    amountOptions: z.object({ options: expression, unit: amountUnit.optional() }).strict().optional(),
  })
  .strict();
export type BillDeclaration = z.infer<typeof billSchema>;

/** How a posting's answer (post or status call) reads as a posting result. */
const resultSchema = z
  .object({
    /** The record to read inside the body (default: the body). In a status answer, no record means not_found. */
    record: expression.optional(),
    /** The biller's status word, mapped through `statuses`. */
    status: expression,
    billerReference: expression.optional(),
    /** The hub reference the record carries: a record for another reference is read as pending. */
    reference: expression.optional(),
  })
  .strict();
export type ResultDeclaration = z.infer<typeof resultSchema>;

const errorsSchema = z.array(errorRuleSchema).default([]);

/**
 * The daily collection (MIS) file, optional: the call (its templates also see `date`, the IST
 * day asked about), the file's format, and how each row reads as a collection entry. Row
 * expressions see one row: a CSV row's columns by header name (all text), or one JSON item.
 */
const reportSchema = z
  .object({
    request: requestSchema,
    errors: errorsSchema,
    format: z.enum(['csv', 'json']),
    /** JSON only: the array of rows in the body (default: the body). */
    rows: expression.optional(),
    entry: z
      .object({
        amountUnit,
        reference: expression,
        billerReference: expression,
        /** An object of the consumer's params, e.g. `{"consumerNumber": consumerNumber}`. */
        consumer: expression,
        billNumber: expression,
        amount: amountSchema,
        /** ISO 8601 with an offset. */
        acceptedAt: expression,
      })
      .strict(),
  })
  .strict()
  .refine((report) => report.format === 'json' || report.rows === undefined, {
    message: 'rows is for a JSON file only',
    path: ['rows'],
  });
export type ReportDeclaration = z.infer<typeof reportSchema>;

export const declarationSchema = z
  .object({
    descriptor: descriptorSchema,
    options: z.record(z.string().regex(NAME, 'an option name (letters, digits, underscore)'), optionSchema),
    http: z
      .object({
        /** The option holding the base URL (type url). */
        baseUrlOption: optionName.default('baseUrl'),
        headers: z.record(z.string(), z.string()).default({}),
      })
      .strict()
      .default({ baseUrlOption: 'baseUrl', headers: {} }),
    auth: authSchema,
    /** Rules every call applies after its own. */
    errors: errorsSchema,
    fetch: z.object({ request: requestSchema, errors: errorsSchema, bill: billSchema }).strict(),
    post: z.object({ request: requestSchema, errors: errorsSchema, result: resultSchema }).strict(),
    status: z.object({ request: requestSchema, errors: errorsSchema, result: resultSchema }).strict(),
    collectionReport: reportSchema.optional(),
    /** Status words, compared case-insensitively; every other word is pending. */
    statuses: z
      .object({
        accepted: z.array(z.string()).min(1),
        rejected: z.array(z.string()).default([]),
        notFound: z.array(z.string()).default([]),
      })
      .strict(),
  })
  .strict()
  .superRefine((declaration, ctx) => {
    const declared = (name: string, path: (string | number)[], type?: OptionDeclaration['type']) => {
      const option = declaration.options[name];
      if (!option) ctx.addIssue({ code: 'custom', path, message: `names no declared option "${name}"` });
      else if (type && option.type !== type)
        ctx.addIssue({ code: 'custom', path, message: `option "${name}" must have type ${type}` });
    };
    declared(declaration.http.baseUrlOption, ['http', 'baseUrlOption'], 'url');
    const { auth } = declaration;
    if (auth.kind === 'apiKey') declared(auth.option, ['auth', 'option']);
    if (auth.kind === 'hmac') declared(auth.secretOption, ['auth', 'secretOption']);
    if (auth.kind === 'oauth2') {
      declared(auth.clientIdOption, ['auth', 'clientIdOption']);
      declared(auth.clientSecretOption, ['auth', 'clientSecretOption']);
    }
    if (auth.kind === 'hmac') {
      for (const call of ['fetch', 'post', 'status'] as const) {
        if (!declaration[call].request.body) {
          ctx.addIssue({
            code: 'custom',
            path: [call, 'request', 'body'],
            message: 'hmac auth signs the body: give one',
          });
        }
      }
    }
    for (const [name, option] of Object.entries(declaration.options)) {
      if (option.required && option.default !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['options', name, 'default'],
          message: 'a required option has no default',
        });
      }
    }
  });

export type Declaration = z.infer<typeof declarationSchema>;
export type RequestDeclaration = Declaration['fetch']['request'];
