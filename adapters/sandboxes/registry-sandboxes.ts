import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadDeclaredSandbox } from './declared/index.js';
import type { BillerSandbox } from './shared/biller-sandbox.js';

const ADAPTERS_DIR = resolve(import.meta.dirname, '..');
/** The registry `npm start`, the harnesses and the env docs read unless told another. */
export const DEFAULT_REGISTRY_FILE = join(ADAPTERS_DIR, 'billers.json');

/** One registry entry as written in the file: a code adapter's folder, or a declaration file. */
export interface RawRegistryEntry {
  id?: string;
  adapter?: string;
  /** Path of a declaration file under adapters/, e.g. "property-tax/property-tax.biller.yaml". */
  declaration?: string;
  enabled?: boolean;
  options?: Record<string, unknown>;
}

/** A registry entry with the sandbox of its folder. */
export interface RegistrySandbox {
  /** Index of the entry in the registry file. */
  index: number;
  entry: RawRegistryEntry;
  /** The folder under adapters/ the entry's adapter or declaration lives in, e.g. "electricity-discom". */
  folder: string;
  sandbox: BillerSandbox;
}

/** Reads the registry's entries without checking them (the hub's loader checks; this only finds sandboxes). */
export function readRegistryEntries(file = DEFAULT_REGISTRY_FILE): RawRegistryEntry[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { billers: RawRegistryEntry[] }).billers;
}

/** The folder under adapters/ an entry belongs to. */
export function entryFolder(entry: RawRegistryEntry): string | undefined {
  if (entry.adapter) return entry.adapter;
  if (entry.declaration) return dirname(entry.declaration);
  return undefined;
}

/** A folder's sandbox: `sandbox.ts` (code) or `sandbox.yaml` (declared); undefined when it has none. */
export async function sandboxOfFolder(folder: string): Promise<BillerSandbox | undefined> {
  const dir = join(ADAPTERS_DIR, folder);
  const code = ['sandbox.ts', 'sandbox.js'].map((name) => join(dir, name)).find((path) => existsSync(path));
  if (code) {
    const module = (await import(pathToFileURL(code).href)) as { sandbox?: BillerSandbox };
    if (!module.sandbox) throw new Error(`adapters/${folder}/${code.slice(dir.length + 1)} does not export a sandbox`);
    return module.sandbox;
  }
  const declared = join(dir, 'sandbox.yaml');
  return existsSync(declared) ? loadDeclaredSandbox(declared) : undefined;
}

/**
 * Every enabled registry entry whose folder has a sandbox, in registry order (first-party
 * billers such as payment-demands have none). Throws when a sandbox file is broken, or when two
 * sandboxes claim one port or one port variable.
 */
export async function registrySandboxes(file = DEFAULT_REGISTRY_FILE): Promise<RegistrySandbox[]> {
  const found: RegistrySandbox[] = [];
  for (const [index, entry] of readRegistryEntries(file).entries()) {
    const folder = entryFolder(entry);
    if (entry.enabled === false || !folder) continue;
    const sandbox = await sandboxOfFolder(folder);
    if (sandbox) found.push({ index, entry, folder, sandbox });
  }
  for (const key of ['defaultPort', 'portEnv', 'name'] as const) {
    const seen = new Map<unknown, string>();
    for (const { folder, sandbox } of found) {
      const other = seen.get(sandbox[key]);
      // Two entries of one folder (the same biller twice under two ids) share its sandbox.
      if (other && other !== folder)
        throw new Error(`sandboxes of ${other} and ${folder} share ${key} ${sandbox[key]}`);
      seen.set(sandbox[key], folder);
    }
  }
  return found;
}

/**
 * The environment that points an entry's `{"$env"}` options at a running sandbox: the base URL
 * option gets `url`, the others the sandbox's `adapterOptions` of the same option name.
 * E.g. `{ ELECTRICITY_BASE_URL: url, ELECTRICITY_API_KEY: "sandbox-…" }`.
 */
export function sandboxEnvFor(entry: RawRegistryEntry, sandbox: BillerSandbox, url: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [option, value] of Object.entries(entry.options ?? {})) {
    if (!value || typeof value !== 'object' || !('$env' in value)) continue;
    const name = String((value as { $env: unknown }).$env);
    if (option === 'baseUrl') env[name] = url;
    else if (sandbox.adapterOptions[option] !== undefined) env[name] = sandbox.adapterOptions[option];
  }
  return env;
}
