import jsonata from 'jsonata';
import { z } from 'zod';
import { MIN_SANDBOX_CONSUMERS } from '../shared/population.js';
import { type CompiledBooks, compileBooks } from './books.js';
import { fieldPath, Problems, type SandboxFileProblem } from './problems.js';
import {
  type BodyField,
  type BodyType,
  type DeclaredSandboxFile,
  declaredSandboxSchema,
  type ErrorAnswer,
} from './schema.js';

/** A JSONata expression of the file, compiled once. */
export type Template = jsonata.Expression;

/** An error answer with its body template compiled (its own, else the file's `errors.body`). */
export interface CompiledErrorAnswer extends ErrorAnswer {
  template: Template;
}

/** A declared sandbox file, checked and compiled: what the engine (app.ts) serves. */
export interface CompiledSandbox {
  file: DeclaredSandboxFile;
  books: CompiledBooks;
  /** Full match of a well-formed consumer key. */
  pattern: RegExp;
  /** Every JSONata expression of the file, by its field path (e.g. `routes.post.created.body`). */
  templates: ReadonlyMap<string, Template>;
  errors: Record<'badRequest' | 'unavailable' | 'noRoute' | 'internal', CompiledErrorAnswer>;
  /** An error answer of the file at `path` (e.g. `routes.fetch.notFound`) with its body template. */
  errorAnswer(answer: ErrorAnswer, path: string): CompiledErrorAnswer;
  /** The post route's body check. */
  postBody: z.ZodType<Record<string, unknown>>;
}

const BODY_TYPES: Record<BodyType, () => z.ZodType> = {
  string: () => z.string().min(1),
  integer: () => z.number().int(),
  number: () => z.number(),
  boolean: () => z.boolean(),
  date: () => z.iso.date(),
  datetime: () => z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO 8601 date-time'),
};

/** The zod schema of a declared request body. */
function bodySchema(fields: Record<string, BodyField>): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(fields)) {
    const spec = typeof field === 'string' ? { type: field } : field;
    let schema = BODY_TYPES[spec.type]();
    if ('pattern' in spec && spec.pattern !== undefined) {
      const pattern = new RegExp(`^(?:${spec.pattern})$`);
      schema = schema.refine((value) => typeof value === 'string' && pattern.test(value), `matches ${spec.pattern}`);
    }
    shape[name] = 'optional' in spec && spec.optional ? schema.optional() : schema;
  }
  return z.object(shape) as z.ZodType<Record<string, unknown>>;
}

/**
 * Checks a parsed sandbox file and compiles it. Returns the problems (each with a field path)
 * instead when anything is wrong: zod's shape check first, then JSONata syntax, the books' rules,
 * and the fixtures against the pattern and the listed consumers.
 */
export function compileSandbox(raw: unknown): CompiledSandbox | SandboxFileProblem[] {
  const parsed = declaredSandboxSchema.safeParse(raw);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => ({ path: fieldPath(issue.path), message: issue.message }));
  }
  const file = parsed.data;
  const problems = new Problems();
  const templates = new Map<string, Template>();
  const compile = (path: string, source: string): Template => {
    try {
      const template = jsonata(source);
      templates.set(path, template);
      return template;
    } catch (caught) {
      const error = caught as { message?: string; position?: number };
      problems.add(path, `JSONata: ${error.message ?? String(caught)} (at character ${error.position ?? '?'})`);
      return jsonata('undefined');
    }
  };

  // Every expression of the file, found by walking it: all live under `routes`, `errors` and `auth`,
  // in fields of these names.
  const expressionKeys = new Set(['body', 'consumer', 'reference', 'billNumber', 'amountMinor', 'when', 'date']);
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) walk(item, `${path}[${i}]`);
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        const at = `${path}.${key}`;
        // The post route's `body` declares the request's fields, not a template.
        if (at === 'routes.post.body') continue;
        if (typeof value === 'string' && expressionKeys.has(key)) compile(at, value);
        else walk(value, at);
      }
    }
  };
  walk(file.routes, 'routes');
  walk(file.errors, 'errors');
  walk(file.auth, 'auth');

  if (file.auth.kind === 'apiKeyHeader' && file.adapterOptions[file.auth.option] === undefined) {
    problems.add('auth.option', `adapterOptions has no ${file.auth.option}`);
  }
  const codes = file.routes.post.refusals.map((refusal) => refusal.code);
  if (!codes.includes(file.routes.post.injectedRefusal)) {
    problems.add('routes.post.injectedRefusal', `one of the refusals' codes: ${codes.join(', ')}`);
  }

  const pattern = new RegExp(`^(?:${file.consumerPattern})$`);
  const keyOf = (kind: keyof DeclaredSandboxFile['fixtures']) => file.fixtures[kind][file.consumerKey];
  for (const kind of ['known', 'unknown', 'malformed', 'rejecting'] as const) {
    const key = keyOf(kind);
    if (key === undefined) problems.add(`fixtures.${kind}.${file.consumerKey}`, 'required (the consumerKey)');
    else if (pattern.test(key) === (kind === 'malformed')) {
      problems.add(
        `fixtures.${kind}.${file.consumerKey}`,
        kind === 'malformed' ? 'must break consumerPattern' : 'must match consumerPattern',
      );
    }
  }
  const unknownKey = keyOf('unknown');
  const books = compileBooks(file, problems, new Set(unknownKey === undefined ? [] : [unknownKey]));

  if (problems.list.length === 0) {
    // Build the smallest book once: rules that fail at run time, and fixtures the books do not
    // hold as the file says, are found now rather than by the first caller.
    try {
      const book = books.build(Math.max(MIN_SANDBOX_CONSUMERS, file.books.listed.length), new Date());
      for (const kind of ['known', 'rejecting'] as const) {
        const key = keyOf(kind) ?? '';
        if (!book.get(key)?.demand) {
          problems.add(`fixtures.${kind}`, `${key} must be a listed consumer with a demand (books.listed)`);
        }
      }
      if (unknownKey !== undefined && book.has(unknownKey)) {
        problems.add('fixtures.unknown', `${unknownKey} is a listed consumer`);
      }
    } catch (caught) {
      const message = (caught as Error).message;
      const colon = message.indexOf(': ');
      problems.add(colon > 0 ? message.slice(0, colon) : 'books', colon > 0 ? message.slice(colon + 2) : message);
    }
  }
  if (problems.list.length > 0) return problems.list;

  const errorAnswer = (answer: ErrorAnswer, path: string): CompiledErrorAnswer => ({
    ...answer,
    template: templates.get(`${path}.body`) ?? (templates.get('errors.body') as Template),
  });
  return {
    file,
    books,
    pattern,
    templates,
    errorAnswer,
    errors: {
      badRequest: errorAnswer(file.errors.badRequest, 'errors.badRequest'),
      unavailable: errorAnswer(file.errors.unavailable, 'errors.unavailable'),
      noRoute: errorAnswer(file.errors.noRoute, 'errors.noRoute'),
      internal: errorAnswer(file.errors.internal, 'errors.internal'),
    },
    postBody: bodySchema(file.routes.post.body),
  };
}
