import { z } from 'zod';
import { patternSchema } from '../../sdk/define-adapter.js';

/**
 * The shape of a declared sandbox file (`adapters/<folder>/sandbox.yaml`), checked with zod.
 * What zod cannot see (JSONata syntax, the books' value rules, fixtures against the books) is
 * checked when the file is compiled (compile.ts). README.md in this folder describes each field.
 */

/** A field name usable in rules, templates and JSONata paths. */
const fieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name of letters, digits and _');
/** A JSONata expression (compiled, and its syntax checked, by compile.ts). */
const expression = z.string().min(1);
/** A regex source, matched against the whole value. */
const regex = patternSchema;

/** A successful answer: its HTTP status and a JSONata template of its body. */
const okAnswer = z.strictObject({ status: z.number().int().min(200).max(299), body: expression });
/** A refusal: status, the API's own code and message, rendered by `errors.body` unless `body` is given. */
const errorAnswer = z.strictObject({
  status: z.number().int().min(400).max(599),
  code: z.string().min(1),
  message: z.string().optional(),
  body: expression.optional(),
});
const serverErrorAnswer = errorAnswer.extend({ status: z.number().int().min(500).max(599) });

const consumerRef = z.record(z.string().min(1), z.string());
const method = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const path = z
  .string()
  .regex(/^\/[A-Za-z0-9_\-./:]*$/, 'a path such as /v1/things/:id')
  .refine((p) => !p.startsWith('/__sandbox'), '/__sandbox is the controls every sandbox has');

const bodyType = z.enum(['string', 'integer', 'number', 'boolean', 'date', 'datetime']);
/** A request body field: a type name, or {type, pattern?, optional?}. */
const bodyField = z.union([
  bodyType,
  z.strictObject({ type: bodyType, pattern: regex.optional(), optional: z.boolean().optional() }),
]);

/** API key in a header, compared in constant time; other kinds (HMAC, OAuth2) would join this union. */
const apiKeyHeaderAuth = z.strictObject({
  kind: z.literal('apiKeyHeader'),
  /** The header, e.g. X-Municipal-Key. */
  header: z.string().regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name'),
  /** The adapterOptions entry holding the key the sandbox expects. */
  option: z.string().min(1),
  /** The answer to a call without the header or with a wrong key. */
  refused: errorAnswer,
});
const noAuth = z.strictObject({ kind: z.literal('none') });

const listedConsumer = z.strictObject({
  /** Consumer fields written out; the rest come from the rules. */
  consumer: z.record(fieldName, z.unknown()).default({}),
  /** false: nothing is due. An object: demand fields written out (the rest from the rules). */
  demand: z.union([z.literal(false), z.record(fieldName, z.unknown())]).optional(),
});

const books = z.strictObject({
  /** Seed of the generated population: the same seed, the same consumers and amounts. */
  seed: z.number().int().nonnegative(),
  /** Consumer fields in order, each a value rule (rules.ts); one must be named as `consumerKey`. */
  consumer: z.record(fieldName, z.unknown()),
  demand: z.strictObject({
    /** A rule giving true when the consumer has a demand due (default: always). */
    present: z.unknown().optional(),
    /** Demand fields in order, each a value rule; they see the consumer's fields. */
    fields: z.record(fieldName, z.unknown()),
  }),
  /** Consumers written out, first on the books (the fixtures among them). */
  listed: z.array(listedConsumer).default([]),
});

const fetchRoute = z.strictObject({
  method: method.default('GET'),
  path,
  /** JSONata over {request}: the consumer key asked for, e.g. `request.params.assessmentNo`. */
  consumer: expression,
  found: okAnswer,
  malformed: errorAnswer,
  notFound: errorAnswer,
  noDemand: errorAnswer,
});

const refusal = z.strictObject({
  /** JSONata over {consumer, demand, request}: truthy refuses the posting with `code`. */
  when: expression,
  code: z.string().min(1),
  message: z.string().optional(),
});

const postRoute = z.strictObject({
  method: method.default('POST'),
  path,
  /** The JSON body's fields; anything else in the body is ignored. */
  body: z.record(fieldName, bodyField),
  /** JSONata over {request}: the hub's reference, the posting's idempotency key. */
  reference: expression,
  consumer: expression,
  billNumber: expression,
  /** JSONata over {request}: the amount in minor units (an integer). */
  amountMinor: expression,
  /** Checked in order; the first that holds refuses the posting (recorded as rejected). */
  refusals: z.array(refusal).min(1),
  /** The refusal code an injected `reject` fault answers with (one of the refusals' codes). */
  injectedRefusal: z.string().min(1),
  refusedStatus: z.number().int().min(400).max(499).default(422),
  /** Status of the answer to a repeated reference (body as `created`). */
  repeatStatus: z.number().int().min(200).max(299).default(200),
  created: okAnswer,
  notFound: errorAnswer,
});

const statusRoute = z.strictObject({
  method: method.default('GET'),
  path,
  reference: expression,
  found: okAnswer,
  notFound: errorAnswer,
});

const reportRoute = z.strictObject({
  method: method.default('GET'),
  path,
  /** JSONata over {request}: the report's IST date, YYYY-MM-DD. */
  date: expression,
  found: okAnswer,
  badDate: errorAnswer,
});

export const declaredSandboxSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and -'),
  defaultPort: z.number().int().min(1024).max(65535),
  portEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name'),
  adapterOptions: z.record(z.string().min(1), z.string()).default({}),
  /** The consumer param that identifies a consumer, e.g. assessmentNo. */
  consumerKey: fieldName,
  /** Full-match pattern of a well-formed consumer key; anything else is answered `malformed`. */
  consumerPattern: regex,
  fixtures: z.strictObject({
    known: consumerRef,
    unknown: consumerRef,
    malformed: consumerRef,
    rejecting: consumerRef,
  }),
  auth: z.discriminatedUnion('kind', [apiKeyHeaderAuth, noAuth]),
  /** Prefix of the biller's receipt numbers, e.g. PTR. */
  receiptPrefix: z.string().regex(/^[A-Z0-9]{1,8}$/, '1-8 capitals or digits'),
  /** The API's word for each posting state, given to templates as posting.stateName. */
  postingStates: z.strictObject({ accepted: z.string(), pending: z.string(), rejected: z.string() }),
  errors: z.strictObject({
    /** JSONata over {code, message, request, ...}: the body of every refusal. */
    body: expression,
    badRequest: errorAnswer,
    unavailable: serverErrorAnswer,
    noRoute: errorAnswer,
    internal: serverErrorAnswer,
  }),
  books,
  routes: z.strictObject({
    fetch: fetchRoute,
    post: postRoute,
    status: statusRoute,
    report: reportRoute.optional(),
  }),
});

export type DeclaredSandboxFile = z.infer<typeof declaredSandboxSchema>;
export type ErrorAnswer = z.infer<typeof errorAnswer>;
export type OkAnswer = z.infer<typeof okAnswer>;
export type BodyField = z.infer<typeof bodyField>;
export type BodyType = z.infer<typeof bodyType>;
