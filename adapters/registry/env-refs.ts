import { readFileSync } from 'node:fs';
import { isEnvRef } from './registry-file.js';

/** One `{"$env": NAME}` a registry file names: which entry and option read it, and its default. */
export interface RegistryEnvRef {
  name: string;
  default?: string;
  /** The entry's id, else its adapter folder or declaration file. */
  biller: string;
  /** The option path inside the entry, e.g. "baseUrl" or "auth.clientSecret". */
  option: string;
}

/** Every variable a registry file reads, in file order (an entry's own `enabled: false` included). */
export function registryEnvRefs(file: string): RegistryEnvRef[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
    billers: { id?: string; adapter?: string; declaration?: string; options?: unknown }[];
  };
  const refs: RegistryEnvRef[] = [];
  const walk = (value: unknown, path: string[], biller: string) => {
    if (isEnvRef(value)) {
      refs.push({
        name: value.$env,
        ...(value.default !== undefined ? { default: value.default } : {}),
        biller,
        option: path.join('.'),
      });
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) walk(item, [...path, key], biller);
    }
  };
  for (const entry of parsed.billers)
    walk(entry.options ?? {}, [], entry.id ?? entry.adapter ?? entry.declaration ?? '?');
  return refs;
}
