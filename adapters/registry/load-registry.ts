import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DeclarationError, loadDeclaration } from '../declarative/load.js';
import type { BillerDescriptor, BillerOperations } from '../sdk/contract.js';
import type { AdapterDefinition, AdapterLogger } from '../sdk/define-adapter.js';
import { isEnvRef, type RegistryEntry, type RegistryFile, registryFileSchema } from './registry-file.js';

const ADAPTERS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Names every problem of a registry at once, each with the entry it belongs to. */
export class RegistryError extends Error {
  constructor(
    file: string,
    readonly problems: string[],
  ) {
    super(`biller registry ${file}:\n  ${problems.join('\n  ')}`);
    this.name = 'RegistryError';
  }
}

export interface RegisteredBiller {
  descriptor: BillerDescriptor;
  operations: BillerOperations;
}

export interface BillerRegistry {
  list(): BillerDescriptor[];
  get(id: string): RegisteredBiller | undefined;
  close(): Promise<void>;
}

export interface RegistryOptions {
  env?: Record<string, string | undefined>;
  log?: AdapterLogger;
  /** Handed to every adapter's create as context.services (first-party billers' in-process ports). */
  services?: Readonly<Record<string, unknown>>;
}

/** Replaces every {"$env": NAME} with the variable's value, collecting the unset ones. */
function resolveEnv(value: unknown, env: Record<string, string | undefined>, missing: string[]): unknown {
  if (isEnvRef(value)) {
    const found = env[value.$env];
    if (found !== undefined && found !== '') return found;
    if (value.default !== undefined) return value.default;
    missing.push(value.$env);
    return undefined;
  }
  if (Array.isArray(value)) return value.map((item) => resolveEnv(item, env, missing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveEnv(item, env, missing)]));
  }
  return value;
}

async function importAdapter(folder: string): Promise<AdapterDefinition<unknown> | string> {
  const entry = ['index.ts', 'index.js']
    .map((name) => join(ADAPTERS_DIR, folder, name))
    .find((path) => existsSync(path));
  if (!entry) return `adapter "${folder}" not found (expected adapters/${folder}/index.ts)`;
  const module = (await import(pathToFileURL(entry).href)) as { default?: AdapterDefinition<unknown> };
  const definition = module.default;
  if (!definition?.descriptor || typeof definition.create !== 'function' || !definition.options) {
    return `adapters/${folder} does not default-export a defineAdapter(...) result`;
  }
  return definition;
}

/**
 * A declared biller's adapter (adapters/declarative): the declaration file read, checked and
 * compiled, its `options` becoming the schema the entry's options are checked against. Returns
 * the problems, each naming the file's bad field, when it does not load.
 */
function declaredAdapterOf(path: string): AdapterDefinition<unknown> | string[] {
  const file = join(ADAPTERS_DIR, path);
  if (!existsSync(file)) return [`declaration "${path}" not found (expected adapters/${path})`];
  try {
    return loadDeclaration(file) as AdapterDefinition<unknown>;
  } catch (error) {
    if (error instanceof DeclarationError) return error.problems.map((problem) => `adapters/${path}: ${problem}`);
    throw error;
  }
}

/** The adapter an entry names: a code adapter's folder, or a declaration file. */
async function adapterOf(entry: RegistryEntry): Promise<AdapterDefinition<unknown> | string[]> {
  if (entry.declaration !== undefined) return declaredAdapterOf(entry.declaration);
  const definition = await importAdapter(entry.adapter ?? '');
  return typeof definition === 'string' ? [definition] : definition;
}

export async function loadBillerRegistry(file: string, options: RegistryOptions = {}): Promise<BillerRegistry> {
  const env = options.env ?? process.env;
  let parsed: RegistryFile;
  try {
    const result = registryFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!result.success) {
      throw new RegistryError(
        file,
        result.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`),
      );
    }
    parsed = result.data;
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    throw new RegistryError(file, [`cannot read: ${(error as Error).message}`]);
  }

  const problems: string[] = [];
  const billers = new Map<string, RegisteredBiller>();
  for (const [index, entry] of parsed.billers.entries()) {
    const label = `billers[${index}] (${entry.id ?? entry.adapter ?? entry.declaration})`;
    if (!entry.enabled) continue;
    const definition = await adapterOf(entry);
    if (Array.isArray(definition)) {
      for (const problem of definition) problems.push(`${label}: ${problem}`);
      continue;
    }
    const written = (definition.secretOptions ?? []).filter(
      (name) => entry.options[name] !== undefined && !isEnvRef(entry.options[name]),
    );
    for (const name of written) {
      problems.push(`${label}: options.${name} is a secret: give it as {"$env": "NAME"}, never in the file`);
    }
    if (written.length) continue;
    const missing: string[] = [];
    const resolved = resolveEnv(entry.options, env, missing);
    for (const name of missing) problems.push(`${label}: environment variable ${name} is not set`);
    if (missing.length) continue;
    const checked = definition.options.safeParse(resolved);
    if (!checked.success) {
      for (const issue of checked.error.issues)
        problems.push(`${label}: ${['options', ...issue.path].join('.')}: ${issue.message}`);
      continue;
    }
    const descriptor: BillerDescriptor = {
      ...definition.descriptor,
      id: entry.id ?? definition.descriptor.id,
      name: entry.name ?? definition.descriptor.name,
    };
    if (billers.has(descriptor.id)) {
      problems.push(`${label}: biller id ${descriptor.id} is registered twice`);
      continue;
    }
    billers.set(descriptor.id, {
      descriptor,
      operations: definition.create(checked.data, { log: options.log, services: options.services }),
    });
  }
  if (problems.length) {
    await Promise.all([...billers.values()].map((biller) => biller.operations.close?.()));
    throw new RegistryError(file, problems);
  }

  return {
    list: () => [...billers.values()].map((biller) => biller.descriptor),
    get: (id) => billers.get(id),
    close: async () => {
      await Promise.all([...billers.values()].map((biller) => biller.operations.close?.()));
    },
  };
}
