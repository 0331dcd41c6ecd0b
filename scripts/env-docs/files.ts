import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvDocs } from './collect.js';
import { README_END, README_START, renderEnvExample, renderReadmeTables, spliceReadme } from './render.js';

/** The files the env docs write, relative to the checkout's root. */
export const ENV_EXAMPLE_FILE = '.env.example';
export const README_FILE = 'README.md';

/** The generated files' new contents, by path relative to `root`; throws when the README lacks its markers. */
export function envDocsFiles(docs: EnvDocs, root: string): Record<string, string> {
  const readme = readFileSync(join(root, README_FILE), 'utf8');
  return {
    [ENV_EXAMPLE_FILE]: renderEnvExample(docs),
    [README_FILE]: spliceReadme(readme, renderReadmeTables(docs)),
  };
}

/** Variable names a generated text lists: `NAME=` lines of .env.example, `| \`NAME\` |` rows of the README. */
export function listedNames(file: string, text: string): Set<string> {
  if (file === ENV_EXAMPLE_FILE) return new Set([...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] as string));
  const start = text.indexOf(README_START);
  const part = start < 0 ? '' : text.slice(start, text.indexOf(README_END, start));
  return new Set([...part.matchAll(/^\| `([A-Z][A-Z0-9_]*)` +\|/gm)].map((m) => m[1] as string));
}

/** Variables some schema reads without a description. */
export function undescribed(docs: EnvDocs): string[] {
  return docs.sections.flatMap((section) =>
    section.variables.filter((v) => !v.readings.some((r) => r.description)).map((v) => v.name),
  );
}

/**
 * What is stale under `root`: one line per file whose text differs from what the schemas generate
 * (naming the variables it misses or lists in vain), and one per variable without a description.
 * Empty when everything is current.
 */
export function staleEnvDocs(docs: EnvDocs, root: string): string[] {
  const problems: string[] = [];
  for (const [file, want] of Object.entries(envDocsFiles(docs, root))) {
    const path = join(root, file);
    const have = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (have === want) continue;
    const wanted = listedNames(file, want);
    const listed = listedNames(file, have);
    const missing = [...wanted].filter((name) => !listed.has(name));
    const extra = [...listed].filter((name) => !wanted.has(name));
    const details = [
      ...(missing.length ? [`misses ${missing.join(', ')}`] : []),
      ...(extra.length ? [`lists ${extra.join(', ')}, which nothing reads`] : []),
    ];
    problems.push(
      `${file} is stale: ${details.length ? details.join('; ') : 'descriptions, defaults or order differ'}`,
    );
  }
  for (const name of undescribed(docs)) problems.push(`${name} has no description in its config schema`);
  return problems;
}
