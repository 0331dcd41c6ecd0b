/**
 * `npm run env:docs`: writes `.env.example` and the README's "Environment variables" tables from
 * the services' config schemas (each variable's name, default and `.describe()`), the registry's
 * `{"$env"}` options, the idp clients file's secret variables and the biller sandboxes' port
 * variables. `npm run env:docs -- --check` writes nothing; it prints what is stale and exits 1
 * (the test in tests/env-docs/ does the same in CI).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { collectEnvDocs, ROOT } from './env-docs/collect.js';
import { envDocsFiles, staleEnvDocs, undescribed } from './env-docs/files.js';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
const docs = await collectEnvDocs();

if (values.check) {
  const problems = staleEnvDocs(docs, ROOT);
  for (const problem of problems) console.error(`env docs: ${problem}`);
  if (problems.length) {
    console.error('Run `npm run env:docs` (after describing any variable named above in its schema).');
    process.exit(1);
  }
  console.log('env docs: .env.example and README.md are current');
} else {
  for (const [file, text] of Object.entries(envDocsFiles(docs, ROOT))) writeFileSync(join(ROOT, file), text);
  for (const name of undescribed(docs)) console.warn(`env docs: ${name} has no description in its config schema`);
  console.log('env docs: wrote .env.example and README.md');
}
