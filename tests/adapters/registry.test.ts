import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBillerRegistry, RegistryError } from '../../adapters/registry/index.js';
import { readRegistryEntries } from '../../adapters/sandboxes/registry-sandboxes.js';
import { localSandboxes } from '../../adapters/sandboxes/sandbox-env.js';

const dir = mkdtempSync(join(tmpdir(), 'registry-'));
const BILLERS_FILE = resolve(import.meta.dirname, '../../adapters/billers.json');
let files = 0;
/** What the registry's {"$env"} options read under `npm start`: the local sandboxes' URLs and credentials. */
const { env: SANDBOX_ENV } = await localSandboxes();
function registryFile(content: unknown): string {
  const file = join(dir, `billers-${files++}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}
const electricity = (options: Record<string, unknown> = {}) => ({
  adapter: 'electricity-discom',
  options: { baseUrl: 'http://localhost:4101', apiKey: { $env: 'ELECTRICITY_API_KEY' }, ...options },
});

async function problemsOf(file: string, env: Record<string, string> = SANDBOX_ENV): Promise<string[]> {
  const error = await loadBillerRegistry(file, { env }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RegistryError);
  return (error as RegistryError).problems;
}

describe('the biller registry', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the shipped billers, one per utility and the payment-demands biller, with their descriptors', async () => {
    const registry = await loadBillerRegistry(BILLERS_FILE, { env: SANDBOX_ENV });
    const loaded = registry.list().map((biller) => [biller.id, biller.category, biller.exactness]);
    // Every enabled entry of the file, in its order; a biller added later keeps this test as it is.
    expect(loaded).toHaveLength(readRegistryEntries(BILLERS_FILE).filter((entry) => entry.enabled !== false).length);
    expect(loaded).toEqual(
      expect.arrayContaining([
        ['state-electricity', 'electricity', 'EXACT_AND_ABOVE'],
        ['city-water', 'water', 'EXACT'],
        ['metro-gas', 'gas', 'EXACT_AND_BELOW'],
        ['city-property-tax', 'other', 'EXACT'],
        ['payment-demands', 'other', 'EXACT'],
      ]),
    );
    expect(registry.get('city-water')?.operations.fetchBill).toBeTypeOf('function');
    expect(registry.get('nope')).toBeUndefined();
    await registry.close();
  });

  it('lets an entry rename a biller and leaves out disabled ones', async () => {
    const file = registryFile({
      billers: [
        { ...electricity(), id: 'north-electricity', name: 'North Discom' },
        { ...electricity(), id: 'south-electricity', enabled: false },
      ],
    });
    const registry = await loadBillerRegistry(file, { env: SANDBOX_ENV });
    expect(registry.list().map((b) => [b.id, b.name])).toEqual([['north-electricity', 'North Discom']]);
    await registry.close();
  });

  it('refuses an unknown adapter, naming the entry', async () => {
    const problems = await problemsOf(
      registryFile({ billers: [electricity(), { adapter: 'telecom-x', options: {} }] }),
    );
    expect(problems).toEqual([
      'billers[1] (telecom-x): adapter "telecom-x" not found (expected adapters/telecom-x/index.ts)',
    ]);
  });

  it('refuses options the adapter does not accept, naming the entry and the option', async () => {
    const problems = await problemsOf(registryFile({ billers: [electricity({ baseUrl: 'not a url' })] }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^billers\[0\] \(electricity-discom\): options\.baseUrl: /);
  });

  it('refuses an entry whose secret variable is not set, naming the variable', async () => {
    const problems = await problemsOf(registryFile({ billers: [electricity()] }), {});
    expect(problems).toEqual(['billers[0] (electricity-discom): environment variable ELECTRICITY_API_KEY is not set']);
  });

  it('refuses a secret written in the file instead of read from the environment, naming the option', async () => {
    const problems = await problemsOf(
      registryFile({ billers: [electricity({ apiKey: 'sandbox-state-electricity-0001' })] }),
    );
    expect(problems).toEqual([
      'billers[0] (electricity-discom): options.apiKey is a secret: give it as {"$env": "NAME"}, never in the file',
    ]);
  });

  it('refuses the same biller id twice, unknown fields and unreadable files', async () => {
    expect(await problemsOf(registryFile({ billers: [electricity(), electricity()] }))).toEqual([
      'billers[1] (electricity-discom): biller id state-electricity is registered twice',
    ]);
    expect((await problemsOf(registryFile({ billers: [{ ...electricity(), colour: 'red' }] })))[0]).toMatch(
      /billers\.0: Unrecognized key/,
    );
    expect((await problemsOf(registryFile('{ not json')))[0]).toMatch(/^cannot read: /);
    expect((await problemsOf(registryFile({ billers: [] })))[0]).toMatch(/^billers: /);
  });

  it('stops the hub at start-up on a bad entry with a message naming it', () => {
    const file = registryFile({ billers: [{ adapter: 'telecom-x', options: {} }] });
    const result = spawnSync(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, '../../hub/main.ts')], {
      env: {
        PATH: process.env.PATH,
        MONGODB_URI: 'mongodb://127.0.0.1:1',
        REDIS_URL: 'redis://127.0.0.1:1',
        BILLERS_FILE: file,
        GATEWAY_API_KEY: 'registry-test-gateway-key',
        GATEWAY_WEBHOOK_SECRET: 'registry-test-webhook-secret',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`BILLERS_FILE ${file}: billers[0] (telecom-x): adapter "telecom-x" not found`);
  });
});
