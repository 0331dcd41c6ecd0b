import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const HUB = join(ROOT, 'hub');
const API = join(HUB, 'api');

/** Every TypeScript file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The files a source imports from (static and dynamic, relative specifiers only), resolved. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map(([, s]) => s as string);
  return specifiers.map((specifier) => resolve(dirname(file), specifier));
}

describe('the HTTP layer', () => {
  it('is imported by no hub code outside hub/api but the app that mounts it: domain services throw domain errors and hub/api renders them', () => {
    const offenders = sources(HUB)
      .filter((file) => !file.startsWith(`${API}/`) && file !== join(HUB, 'app.ts'))
      .flatMap((file) =>
        importsOf(file)
          .filter((target) => target.startsWith(`${API}/`))
          .map((target) => `${relative(ROOT, file)} imports ${relative(ROOT, target)}`),
      );
    expect(offenders).toEqual([]);
  });
});
