import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registryEnvRefs } from '../../../adapters/registry/env-refs.js';
import { loadBillerRegistry, RegistryError } from '../../../adapters/registry/index.js';

const dir = mkdtempSync(join(tmpdir(), 'registry-declared-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function registryFile(billers: unknown[]): string {
  const file = join(dir, `billers-${files++}.json`);
  writeFileSync(file, JSON.stringify({ billers }));
  return file;
}
const propertyTax = (extra: Record<string, unknown> = {}, options: Record<string, unknown> = {}) => ({
  declaration: 'property-tax/property-tax.biller.yaml',
  options: { baseUrl: 'http://localhost:4104', apiKey: { $env: 'PTAX_KEY' }, ...options },
  ...extra,
});
const env = { PTAX_KEY: 'sandbox-city-property-tax-0001' };

async function problemsOf(file: string, given: Record<string, string> = env): Promise<string[]> {
  const error = await loadBillerRegistry(file, { env: given }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RegistryError);
  return (error as RegistryError).problems;
}

describe('a registry entry naming a declaration', () => {
  it('loads the declared biller with its descriptor, renamed by the entry like a code adapter', async () => {
    const registry = await loadBillerRegistry(
      registryFile([propertyTax(), propertyTax({ id: 'town-property-tax', name: 'Town Property Tax' })]),
      { env },
    );
    expect(registry.list().map((b) => [b.id, b.name, b.category, b.exactness])).toEqual([
      ['city-property-tax', 'Municipal Corporation Property Tax', 'other', 'EXACT'],
      ['town-property-tax', 'Town Property Tax', 'other', 'EXACT'],
    ]);
    expect(registry.get('city-property-tax')?.operations.fetchBill).toBeTypeOf('function');
    await registry.close();
  });

  it("checks the entry's options against the declaration's options, naming the entry and the option", async () => {
    const problems = await problemsOf(registryFile([propertyTax({}, { baseUrl: 'not a url', colour: 'red' })]));
    expect(problems).toEqual([
      expect.stringMatching(/^billers\[0\] \(property-tax\/property-tax\.biller\.yaml\): options\.baseUrl: /),
      'billers[0] (property-tax/property-tax.biller.yaml): options: Unrecognized key: "colour"',
    ]);
    expect(await problemsOf(registryFile([propertyTax()]), { PTAX_KEY: 'short' })).toEqual([
      'billers[0] (property-tax/property-tax.biller.yaml): options.apiKey: Too small: expected string to have >=16 characters',
    ]);
    // A secret option (declared `secret: true`) written in the file instead of read from the environment.
    expect(await problemsOf(registryFile([propertyTax({}, { apiKey: 'sandbox-city-property-tax-0001' })]))).toEqual([
      'billers[0] (property-tax/property-tax.biller.yaml): options.apiKey is a secret: give it as {"$env": "NAME"}, never in the file',
    ]);
    expect(await problemsOf(registryFile([propertyTax({ id: 'ptax' })]), {})).toEqual([
      'billers[0] (ptax): environment variable PTAX_KEY is not set',
    ]);
  });

  it('refuses an entry with both or neither of adapter and declaration, and a declaration that is not there', async () => {
    const both = await problemsOf(registryFile([propertyTax({ adapter: 'electricity-discom' })]));
    expect(both).toEqual([
      'billers.0: give exactly one of "adapter" (a code adapter folder) or "declaration" (a declaration file)',
    ]);
    const neither = await problemsOf(registryFile([{ options: {} }]));
    expect(neither).toEqual([
      'billers.0: give exactly one of "adapter" (a code adapter folder) or "declaration" (a declaration file)',
    ]);
    const outside = await problemsOf(registryFile([propertyTax({ declaration: '../secrets.yaml' })]));
    expect(outside[0]).toMatch(/^billers\.0\.declaration: must name a <folder>\/<name>\.biller\.yaml/);
    const missing = await problemsOf(registryFile([propertyTax({ declaration: 'property-tax/nope.biller.yaml' })]));
    expect(missing).toEqual([
      'billers[0] (property-tax/nope.biller.yaml): declaration "property-tax/nope.biller.yaml" not found (expected adapters/property-tax/nope.biller.yaml)',
    ]);
  });

  it("lists a declared entry's environment variables in the shipped registry", () => {
    const refs = registryEnvRefs(resolve(import.meta.dirname, '../../../adapters/billers.json'));
    expect(refs.filter((ref) => ref.biller === 'city-property-tax')).toEqual([
      {
        name: 'PROPERTY_TAX_BASE_URL',
        default: 'http://localhost:4104',
        biller: 'city-property-tax',
        option: 'baseUrl',
      },
      { name: 'PROPERTY_TAX_API_KEY', biller: 'city-property-tax', option: 'apiKey' },
    ]);
  });
});
