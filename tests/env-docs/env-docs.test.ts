import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryEnvRefs } from '../../adapters/registry/env-refs.js';
import { DEFAULT_REGISTRY_FILE, registrySandboxes } from '../../adapters/sandboxes/registry-sandboxes.js';
import { collectEnvDocs, type EnvDocs, envSections, groupVariables, ROOT } from '../../scripts/env-docs/collect.js';
import { ENV_EXAMPLE_FILE, listedNames, README_FILE, staleEnvDocs, undescribed } from '../../scripts/env-docs/files.js';
import { renderEnvExample } from '../../scripts/env-docs/render.js';

const envExample = () => readFileSync(join(ROOT, ENV_EXAMPLE_FILE), 'utf8');
const exampleNames = () => listedNames(ENV_EXAMPLE_FILE, envExample());

let docs: EnvDocs;
let scratch: string;

beforeAll(async () => {
  docs = await collectEnvDocs();
  scratch = mkdtempSync(join(tmpdir(), 'env-docs-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the checked-in generated files in a scratch root, for the check to judge. */
function checkedInCopy(): string {
  const root = mkdtempSync(join(scratch, 'root-'));
  for (const file of [ENV_EXAMPLE_FILE, README_FILE]) copyFileSync(join(ROOT, file), join(root, file));
  return root;
}

describe('generated environment docs', () => {
  it('.env.example and the README tables are what the config schemas and the registry generate', () => {
    expect(staleEnvDocs(docs, ROOT)).toEqual([]);
  });

  it('every variable a config schema reads has a description in its schema', () => {
    expect(undescribed(docs)).toEqual([]);
  });

  it('every $env the registry names is in .env.example', () => {
    const refs = registryEnvRefs(DEFAULT_REGISTRY_FILE);
    expect(refs.length).toBeGreaterThan(0);
    const listed = exampleNames();
    expect(refs.map((ref) => ref.name).filter((name) => !listed.has(name))).toEqual([]);
  });

  it("every biller sandbox's port variable is in .env.example with its default port", async () => {
    const sandboxes = await registrySandboxes();
    expect(sandboxes.length).toBeGreaterThan(0);
    const text = envExample();
    for (const { sandbox } of sandboxes) expect(text).toContain(`\n${sandbox.portEnv}=${sandbox.defaultPort}\n`);
  });

  it("a secret the hub needs stays blank in .env.example though the sandbox gateway's schema has a default for it", () => {
    const text = renderEnvExample(docs);
    expect(text).toContain('\n# Defaults: hub: none (required); sandbox gateway: sandbox-gateway-key-0001.\n');
    expect(text).toContain('\nGATEWAY_API_KEY=\n');
    expect(text).toContain('\nWALLET_API_KEY=\n');
  });

  it('the check names a stale file and the variable it misses when a schema gains a variable', async () => {
    const added = groupVariables([
      ...(await envSections()),
      {
        title: 'a new program',
        kind: 'program',
        readings: [
          { name: 'NEW_PROGRAM_PORT', program: 'new', description: 'Its port.', default: '4999', required: false },
        ],
      },
    ]);
    expect(staleEnvDocs(added, checkedInCopy())).toEqual([
      '.env.example is stale: misses NEW_PROGRAM_PORT',
      'README.md is stale: misses NEW_PROGRAM_PORT',
    ]);
  });

  it('the check names a variable no schema reads any more, and one without a description', async () => {
    const sections = (await envSections()).map((section) => ({
      ...section,
      readings: section.readings
        .filter((reading) => reading.name !== 'BILL_CACHE_SECONDS')
        .map((reading) => (reading.name === 'HUB_PORT' ? { ...reading, description: undefined } : reading)),
    }));
    const problems = staleEnvDocs(groupVariables(sections), checkedInCopy());
    expect(problems).toContain('.env.example is stale: lists BILL_CACHE_SECONDS, which nothing reads');
    expect(problems).toContain('README.md is stale: lists BILL_CACHE_SECONDS, which nothing reads');
    expect(problems).toContain('HUB_PORT has no description in its config schema');
  });

  it('the check reports a changed default even when the same variables are listed', async () => {
    const root = checkedInCopy();
    const path = join(root, ENV_EXAMPLE_FILE);
    writeFileSync(path, readFileSync(path, 'utf8').replace('\nHUB_PORT=3000\n', '\nHUB_PORT=3999\n'));
    expect(staleEnvDocs(docs, root)).toEqual(['.env.example is stale: descriptions, defaults or order differ']);
  });

  it("new registry entries' $env options, code or declared, are documented with no other edit", async () => {
    const registry = JSON.parse(readFileSync(DEFAULT_REGISTRY_FILE, 'utf8')) as { billers: unknown[] };
    registry.billers.push({
      id: 'second-discom',
      adapter: 'electricity-discom',
      options: {
        baseUrl: { $env: 'SECOND_DISCOM_BASE_URL', default: 'http://localhost:4101' },
        apiKey: { $env: 'SECOND_DISCOM_API_KEY' },
      },
    });
    registry.billers.push({
      id: 'declared-example',
      declaration: 'declared-example/declared-example.biller.yaml',
      options: { apiKey: { $env: 'DECLARED_EXAMPLE_API_KEY' } },
    });
    const file = join(scratch, 'billers.json');
    writeFileSync(file, JSON.stringify(registry));
    const text = renderEnvExample(await collectEnvDocs(file));
    expect(text).toContain("\n# second-discom: option apiKey; npm start sets the local electricity sandbox's.\n");
    expect(text).toContain('\nSECOND_DISCOM_API_KEY=\n');
    expect(text).toContain('\nSECOND_DISCOM_BASE_URL=http://localhost:4101\n');
    expect(text).toContain('\n# declared-example: option apiKey.\nDECLARED_EXAMPLE_API_KEY=\n');
  });

  it('`npm run env:docs -- --check` exits 0 on the checked-in files', async () => {
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/env-docs.ts', '--check'], {
      cwd: ROOT,
      timeout: 60_000,
    });
    expect(stdout).toContain('are current');
  });
});
