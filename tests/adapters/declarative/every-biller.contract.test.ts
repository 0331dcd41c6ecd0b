import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDeclaration } from '../../../adapters/declarative/index.js';
import { loadBillerRegistry } from '../../../adapters/registry/index.js';
import { registrySandboxes, sandboxEnvFor, sandboxOfFolder } from '../../../adapters/sandboxes/registry-sandboxes.js';
import { sandboxProbe } from '../../../adapters/sandboxes/shared/sandbox-probe.js';
import { runAdapterContract } from '../../../adapters/sdk/testkit/index.js';
import { useSandboxServers } from './sandbox-servers.js';

/**
 * The contract kit for every biller there is, found rather than named: every declaration file
 * `adapters/<folder>/<name>.biller.{yaml,yml,json}` against its folder's sandbox, and every
 * registry entry with a sandbox (code or declared) loaded through the registry loader. A new
 * biller gets its contract run with no new test code.
 */

const ADAPTERS_DIR = resolve(import.meta.dirname, '../../../adapters');
const TIMEOUT_MS = 300;
const RETRIES = 1;
const tmp = mkdtempSync(join(tmpdir(), 'declared-contract-'));
const { listen, keep } = useSandboxServers();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const declarations = readdirSync(ADAPTERS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((dir) =>
    readdirSync(join(ADAPTERS_DIR, dir.name))
      .filter((name) => /\.biller\.(ya?ml|json)$/.test(name))
      .map((name) => ({ folder: dir.name, name, file: join(ADAPTERS_DIR, dir.name, name) })),
  );

describe('the declared billers found under adapters/', () => {
  it('include the three reference billers and the property-tax office', () => {
    expect(declarations.map((d) => `${d.folder}/${d.name}`)).toEqual(
      expect.arrayContaining([
        'electricity-discom/electricity-discom.biller.yaml',
        'water-board/water-board.biller.yaml',
        'piped-gas/piped-gas.biller.yaml',
        'property-tax/property-tax.biller.yaml',
      ]),
    );
  });
});

for (const { folder, name, file } of declarations) {
  runAdapterContract(`declared ${folder}/${name}`, async () => {
    const sandbox = await sandboxOfFolder(folder);
    if (!sandbox) throw new Error(`adapters/${folder} has a declaration but no sandbox (sandbox.ts or sandbox.yaml)`);
    const baseUrl = await listen(sandbox);
    const definition = loadDeclaration(file);
    const adapter = keep(
      definition.create(
        definition.options.parse({ ...sandbox.adapterOptions, baseUrl, timeoutMs: TIMEOUT_MS, retries: RETRIES }),
        {},
      ),
    );
    return {
      descriptor: definition.descriptor,
      adapter,
      fixtures: sandbox.fixtures,
      probe: sandboxProbe(baseUrl, (consumer) => sandbox.consumerKey(consumer)),
      timeoutMs: TIMEOUT_MS,
      retries: RETRIES,
    };
  });
}

// Found once; a broken sandbox file fails this file's registry part with its own message.
const fromRegistry = await registrySandboxes().then(
  (found) => ({ found, error: undefined }),
  (error: unknown) => ({ found: [], error: error as Error }),
);

describe('the registry entries with a sandbox', () => {
  it('are all found (a sandbox file that does not load is named here)', () => {
    expect(fromRegistry.error?.message).toBeUndefined();
    expect(fromRegistry.found.length).toBeGreaterThan(0);
  });
});

for (const { index, entry, folder, sandbox } of fromRegistry.found) {
  runAdapterContract(`registry entry ${index} (${entry.id ?? folder})`, async () => {
    const baseUrl = await listen(sandbox);
    // The entry as the hub reads it, with short timeouts so the kit's fault cases stay quick.
    const registryFile = join(tmp, `entry-${index}.json`);
    writeFileSync(
      registryFile,
      JSON.stringify({
        billers: [{ ...entry, options: { ...entry.options, timeoutMs: TIMEOUT_MS, retries: RETRIES } }],
      }),
    );
    const registry = await loadBillerRegistry(registryFile, { env: sandboxEnvFor(entry, sandbox, baseUrl) });
    const [descriptor] = registry.list();
    const registered = descriptor && registry.get(descriptor.id);
    if (!descriptor || !registered) throw new Error(`registry entry ${index} did not load`);
    keep(registered.operations);
    return {
      descriptor,
      adapter: registered.operations,
      fixtures: sandbox.fixtures,
      probe: sandboxProbe(baseUrl, (consumer) => sandbox.consumerKey(consumer)),
      timeoutMs: TIMEOUT_MS,
      retries: RETRIES,
    };
  });
}
