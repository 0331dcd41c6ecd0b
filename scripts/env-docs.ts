/**
 * `npm run env:docs`: writes `.env.example` and the README's "Environment variables" tables from
 * the services' config schemas (each variable's name, default and `.describe()`), the registry's
 * `{"$env"}` options, the idp clients file's secret variables and the biller sandboxes' port
 * variables; and docker compose's biller variables (adapters/sandboxes/compose.env, from the
 * registry). `npm run env:docs -- --check` writes nothing; it prints what is stale and exits 1
 * (the test in tests/env-docs/ does the same in CI).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { COMPOSE_ENV_FILE, composeEnvText } from '../adapters/sandboxes/compose-env.js';
import { collectEnvDocs, ROOT } from './env-docs/collect.js';
import { envDocsFiles, staleEnvDocs, undescribed } from './env-docs/files.js';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
const docs = await collectEnvDocs();
const composeEnv = await composeEnvText();

if (values.check) {
  const problems = staleEnvDocs(docs, ROOT);
  if (readFileSync(COMPOSE_ENV_FILE, 'utf8') !== composeEnv) problems.push('adapters/sandboxes/compose.env is stale');
  for (const problem of problems) console.error(`env docs: ${problem}`);
  if (problems.length) {
    console.error('Run `npm run env:docs` (after describing any variable named above in its schema).');
    process.exit(1);
  }
  console.log('env docs: .env.example, README.md and adapters/sandboxes/compose.env are current');
} else {
  for (const [file, text] of Object.entries(envDocsFiles(docs, ROOT))) writeFileSync(join(ROOT, file), text);
  writeFileSync(COMPOSE_ENV_FILE, composeEnv);
  for (const name of undescribed(docs)) console.warn(`env docs: ${name} has no description in its config schema`);
  console.log('env docs: wrote .env.example, README.md and adapters/sandboxes/compose.env');
}
