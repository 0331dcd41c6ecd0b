import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { parseDocument } from 'yaml';
import type { BillerSandbox } from '../shared/biller-sandbox.js';
import { createDeclaredApp } from './app.js';
import type { BookEntry } from './books.js';
import { type CompiledSandbox, compileSandbox } from './compile.js';
import { DeclaredSandboxError } from './problems.js';

export type { BookEntry } from './books.js';
export { DeclaredSandboxError, type SandboxFileProblem } from './problems.js';

/** The file as messages name it: relative to the working directory when it lies inside it. */
function shownName(file: string): string {
  const inside = relative(process.cwd(), file);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file;
}

/**
 * A sandbox described by a file alone (`adapters/<folder>/sandbox.yaml`, YAML or JSON), served by
 * one generic engine (app.ts); README.md in this folder describes the format. Reads and checks
 * the file synchronously. Throws a DeclaredSandboxError naming the file and each bad field path
 * (YAML syntax with its line, the shape, JSONata syntax, the books' rules, the fixtures).
 */
export function loadDeclaredSandbox(file: string): BillerSandbox {
  const compiled = compiledSandboxFile(file);
  const { file: declared } = compiled;
  const consumerKey = declared.consumerKey;
  return {
    name: declared.name,
    defaultPort: declared.defaultPort,
    portEnv: declared.portEnv,
    create: (options = {}) => createDeclaredApp(compiled, options),
    adapterOptions: Object.freeze({ ...declared.adapterOptions }),
    fixtures: declared.fixtures,
    consumerKey: (consumer) => consumer[consumerKey] ?? '',
  };
}

/**
 * The books a declared sandbox file gives for a population size (as `create({consumers})` serves
 * them, dates relative to `now`), by consumer key: for tests and benchmarks that must name
 * consumers past the fixtures. Throws as loadDeclaredSandbox, and RangeError for a bad count.
 */
export function declaredSandboxBook(file: string, consumers: number, now = new Date()): Map<string, BookEntry> {
  return compiledSandboxFile(file).books.build(consumers, now);
}

/** Reads, parses and compiles a sandbox file; throws DeclaredSandboxError. */
function compiledSandboxFile(file: string): CompiledSandbox {
  const name = shownName(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (caught) {
    throw new DeclaredSandboxError(name, [{ path: '', message: `cannot read: ${(caught as Error).message}` }]);
  }
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new DeclaredSandboxError(
      name,
      document.errors.map((error) => ({ path: '', message: `YAML: ${error.message.split('\n')[0]}` })),
    );
  }
  const compiled = compileSandbox(document.toJS());
  if (Array.isArray(compiled)) throw new DeclaredSandboxError(name, compiled);
  return compiled;
}
