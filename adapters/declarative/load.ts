import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type AdapterDefinition, AdapterDefinitionError } from '../sdk/define-adapter.js';
import { declaredAdapter } from './adapter.js';
import { compileDeclaration } from './compile.js';
import type { DeclaredOptions } from './options.js';
import { declarationSchema } from './schema.js';

/** Everything wrong with one declaration file, each problem naming its field path. */
export class DeclarationError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`biller declaration ${file}:\n  ${problems.join('\n  ')}`);
    this.name = 'DeclarationError';
  }
}

/** Reads YAML (.yaml, .yml) or JSON (.json); throws DeclarationError on anything else or a parse error. */
function readDeclarationFile(file: string): unknown {
  const extension = extname(file);
  if (!['.yaml', '.yml', '.json'].includes(extension)) {
    throw new DeclarationError(file, ['(file): a declaration is .yaml, .yml or .json']);
  }
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DeclarationError(file, [`(file): cannot read (${(error as Error).message})`]);
  }
  try {
    return extension === '.json' ? JSON.parse(source) : parseYaml(source);
  } catch (error) {
    throw new DeclarationError(file, [
      `(file): not valid ${extension === '.json' ? 'JSON' : 'YAML'} (${(error as Error).message})`,
    ]);
  }
}

/** A schema issue's path as the compile step writes one: `errors[0].when`, `fetch.bill.amountDue`. */
const fieldPath = (path: readonly PropertyKey[]): string =>
  path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i ? '.' : ''}${String(key)}`)).join('');

/**
 * A declaration (already read from its file) as an adapter: checked against the schema
 * (schema.ts), every JSONata expression compiled, and the descriptor checked by defineAdapter.
 * Throws DeclarationError listing every problem, each as `field.path: message`, e.g.
 * `fetch.bill.amountDue: invalid JSONata (...)` or `auth.secretOption: names no declared option "x"`.
 */
export function declarationAdapter(file: string, content: unknown): AdapterDefinition<DeclaredOptions> {
  const parsed = declarationSchema.safeParse(content);
  if (!parsed.success) {
    throw new DeclarationError(
      file,
      parsed.error.issues.map((issue) => `${fieldPath(issue.path) || '(file)'}: ${issue.message}`),
    );
  }
  const compiled = compileDeclaration(parsed.data);
  if (Array.isArray(compiled)) throw new DeclarationError(file, compiled);
  try {
    return declaredAdapter(compiled);
  } catch (error) {
    if (error instanceof AdapterDefinitionError) {
      throw new DeclarationError(file, error.message.replace(/^adapter [^:]+: /, '').split('; '));
    }
    throw error;
  }
}

const loaded = new Map<string, AdapterDefinition<DeclaredOptions>>();

/**
 * Loads a biller declaration file (YAML or JSON) as an adapter definition the registry uses like
 * a code adapter's. Loaded once per path (the expressions are compiled once). Throws
 * DeclarationError naming the file and each bad field.
 */
export function loadDeclaration(file: string): AdapterDefinition<DeclaredOptions> {
  const path = resolve(file);
  const cached = loaded.get(path);
  if (cached) return cached;
  const definition = declarationAdapter(file, readDeclarationFile(path));
  loaded.set(path, definition);
  return definition;
}
