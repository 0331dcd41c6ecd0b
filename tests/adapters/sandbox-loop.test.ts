import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBillerRegistry } from '../../adapters/registry/index.js';
import { DEFAULT_REGISTRY_FILE, registrySandboxes } from '../../adapters/sandboxes/registry-sandboxes.js';
import { startRegistrySandboxes } from '../../adapters/sandboxes/running-sandboxes.js';
import { localSandboxes } from '../../adapters/sandboxes/sandbox-env.js';
import { freePort } from '../../scripts/local-services/free-port.js';
import { startManaged } from '../../scripts/local-services/managed-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'sandbox-loop-'));

/**
 * adapters/billers.json plus one more biller, registered and nothing else: the template folder
 * (adapters/template), a working code biller with its own sandbox, stands in for a new one.
 */
function registryWithNewBiller(): string {
  const file = JSON.parse(readFileSync(DEFAULT_REGISTRY_FILE, 'utf8')) as { billers: unknown[] };
  file.billers.unshift({
    adapter: 'template',
    options: {
      baseUrl: { $env: 'TEMPLATE_BILLER_BASE_URL', default: 'http://localhost:4109' },
      apiKey: { $env: 'TEMPLATE_BILLER_API_KEY' },
    },
  });
  const path = join(dir, 'billers.json');
  writeFileSync(path, JSON.stringify(file));
  return path;
}

describe('the sandboxes come from the registry', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a newly registered biller is started, and the hub pointed at it, with no other edit', async () => {
    const registryFile = registryWithNewBiller();
    const sandboxes = await startRegistrySandboxes({ registryFile });
    try {
      const names = sandboxes.running.map(({ sandbox }) => sandbox.name);
      const shipped = (await registrySandboxes()).map(({ sandbox }) => sandbox.name);
      expect(names).toEqual(['template-biller', ...shipped]);
      const added = sandboxes.byName('template-biller');
      expect(sandboxes.env).toMatchObject({
        TEMPLATE_BILLER_BASE_URL: added.url,
        TEMPLATE_BILLER_API_KEY: added.sandbox.adapterOptions.apiKey,
      });
      // The registry loads with that env alone, and the new biller answers through its adapter.
      const registry = await loadBillerRegistry(registryFile, { env: sandboxes.env });
      const bill = await registry.get('template-biller')?.operations.fetchBill(added.sandbox.fixtures.known);
      await registry.close();
      expect(bill?.amountDueMinor).toBeGreaterThan(0);
    } finally {
      await sandboxes.close();
    }
  });

  it("npm run sandboxes listens on each sandbox's port variable, and npm start points the hub there", async () => {
    const registryFile = registryWithNewBiller();
    const ports: Record<string, string> = {};
    for (const { sandbox } of await registrySandboxes(registryFile)) ports[sandbox.portEnv] = String(await freePort());
    const local = await localSandboxes(registryFile, ports);
    expect(local.env.TEMPLATE_BILLER_BASE_URL).toBe(`http://localhost:${ports.TEMPLATE_BILLER_SANDBOX_PORT}`);
    expect(local.env.ELECTRICITY_BASE_URL).toBe(`http://localhost:${ports.ELECTRICITY_SANDBOX_PORT}`);

    const child = startManaged(
      'sandboxes',
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'adapters/sandboxes/main.ts')],
      {
        ...process.env,
        ...ports,
        BILLERS_FILE: registryFile,
      },
    );
    try {
      // main.ts starts them one after another, in registry order.
      await child.waitForLine(new RegExp(`${local.sandboxes.at(-1)?.sandbox.name} sandbox listening`), 60_000);
      for (const { url } of local.sandboxes) {
        const res = await fetch(`${url}/__sandbox/health`, { signal: AbortSignal.timeout(5_000) });
        expect(res.status).toBe(200);
      }
    } finally {
      await child.stop();
    }
  }, 90_000);

  it('names the sandboxes and their variables when two are given one port, or a port is taken, and starts none', async () => {
    const found = await registrySandboxes();
    const [first, second] = found.map((each) => each.sandbox);
    if (!first || !second) throw new Error('the registry has fewer than two sandboxes');
    const shared = await freePort();
    await expect(
      startRegistrySandboxes({ port: (sandbox) => (sandbox === first || sandbox === second ? shared : 0) }),
    ).rejects.toThrow(
      `the ${second.name} sandbox (${second.portEnv}) and the ${first.name} sandbox (${first.portEnv}) are both given port ${shared}`,
    );

    const taken = await startRegistrySandboxes({ port: (sandbox) => (sandbox === first ? shared : 0) });
    try {
      await expect(startRegistrySandboxes({ port: (sandbox) => (sandbox === second ? shared : 0) })).rejects.toThrow(
        `the ${second.name} sandbox cannot listen on 127.0.0.1:${shared} (${second.portEnv})`,
      );
    } finally {
      await taken.close();
    }
  });
});
