import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/env-docs/collect.js';
import { ENV_EXAMPLE_FILE, listedNames } from '../../scripts/env-docs/files.js';

/** The source the services, sandboxes and scripts run from (tests and benchmarks read their own variables). */
const SOURCE_DIRS = ['adapters', 'hub', 'idp', 'infra', 'operator-console', 'provider-portal', 'scripts'];

/** `process.env.NAME`, `process.env['NAME']`, `env.NAME` (an env record passed around): a variable read by name. */
const READ_BY_NAME = /\b(?:process\.)?env(?:\.([A-Z][A-Z0-9_]*)\b|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const documented = () => listedNames(ENV_EXAMPLE_FILE, readFileSync(join(ROOT, ENV_EXAMPLE_FILE), 'utf8'));

describe('variables read outside the config schemas', () => {
  it('every variable the code reads by name is in .env.example', () => {
    const listed = documented();
    const unlisted: string[] = [];
    for (const file of SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir)))) {
      for (const match of readFileSync(file, 'utf8').matchAll(READ_BY_NAME)) {
        const name = (match[1] ?? match[2]) as string;
        if (!listed.has(name)) unlisted.push(`${name} (${relative(ROOT, file)})`);
      }
    }
    expect(unlisted).toEqual([]);
  });

  it('every variable docker-compose.yml interpolates is in .env.example', () => {
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const names = [...compose.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] as string);
    expect(names.length).toBeGreaterThan(0);
    const listed = documented();
    expect([...new Set(names)].filter((name) => !listed.has(name))).toEqual([]);
  });
});
