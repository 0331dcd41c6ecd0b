import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BillerRegistry, loadBillerRegistry } from '../../adapters/registry/index.js';
import {
  DEFAULT_REGISTRY_FILE,
  type RegistrySandbox,
  readRegistryEntries,
  registrySandboxes,
} from '../../adapters/sandboxes/registry-sandboxes.js';
import { registrySandboxEnv, startRegistrySandboxes } from '../../adapters/sandboxes/running-sandboxes.js';
import type { ConsumerRef } from '../../adapters/sdk/contract.js';
import type { Fault } from '../../adapters/sdk/testkit/index.js';
import { uniqueName } from '../support/isolation.js';

/**
 * The reference billers' sandbox names, by which tests pick a biller for behaviour (a fault on
 * gas, a refusal by water). The harness itself starts every registry sandbox, named or not.
 */
export type Kind = 'electricity' | 'water' | 'gas';

/** A registry biller as the settlement tests use it: its id and the sandbox consumers it knows. */
export interface BillerFixture {
  billerId: string;
  known: ConsumerRef;
  rejecting: ConsumerRef;
  /** The consumer's one identifying value, under which its sandbox files faults. */
  consumerKey(consumer: ConsumerRef): string;
}

/**
 * Each registry biller with a sandbox by its sandbox name, with the registry's biller id (the
 * entry's id, else its adapter's): found by loading adapters/billers.json once at import.
 */
async function registryFixtures(): Promise<Record<string, BillerFixture>> {
  const found = await registrySandboxes();
  const registry = await loadBillerRegistry(DEFAULT_REGISTRY_FILE, {
    env: registrySandboxEnv(found, () => 'http://127.0.0.1:9'),
  });
  // The registry lists its enabled entries' billers in file order.
  const ids = registry.list().map((descriptor) => descriptor.id);
  await registry.close();
  const enabled = readRegistryEntries()
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => entry.enabled !== false);
  const idOf = ({ index }: RegistrySandbox) => ids[enabled.findIndex((each) => each.index === index)] ?? '';
  return Object.fromEntries(
    found.map((each) => [
      each.sandbox.name,
      {
        billerId: idOf(each),
        known: each.sandbox.fixtures.known,
        rejecting: each.sandbox.fixtures.rejecting,
        consumerKey: each.sandbox.consumerKey,
      },
    ]),
  );
}

const FIXTURES = await registryFixtures();

/** Every registry biller with a sandbox, by sandbox name, e.g. `BILLERS.gas.billerId`. */
export const BILLERS = FIXTURES as Record<Kind, BillerFixture> & Readonly<Record<string, BillerFixture>>;

/** The reference billers the tests pay together ("all three"), in registry order. */
export const KINDS: readonly Kind[] = (Object.keys(FIXTURES) as Kind[]).filter((kind) =>
  (['electricity', 'water', 'gas'] satisfies Kind[] as string[]).includes(kind),
);
for (const kind of ['electricity', 'water', 'gas'] satisfies Kind[]) {
  if (!FIXTURES[kind]) throw new Error(`no registry biller has the sandbox ${kind} the settlement tests use`);
}

/** The sandbox name of the registry biller with id `billerId`, e.g. to count its postings. */
export const kindOf = (billerId: string): Kind =>
  (Object.keys(BILLERS) as Kind[]).find((kind) => BILLERS[kind].billerId === billerId) as Kind;

export interface Billers {
  /** Every registry sandbox's URL by its sandbox name. */
  urls: Readonly<Record<string, string>>;
  registry: BillerRegistry;
  /** A copy of adapters/billers.json without adapter-level retries, so every retry is the job's. */
  registryFile: string;
  /** What the registry file's {"$env"} entries read. */
  env: Record<string, string>;
  fault(kind: Kind, consumer: ConsumerRef, fault: Fault): Promise<void>;
  resetFaults(): Promise<void>;
  /** Postings the sandbox recorded under a reference (it dedupes, so 0 or 1). */
  postings(kind: Kind, reference: string): Promise<number>;
  close(): Promise<void>;
}

async function control(url: string, method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${url}/__sandbox${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`sandbox ${method} ${path} answered ${res.status}`);
  return res;
}

/** Every registry sandbox in this process (free ports), and the registry of adapters/billers.json against them. */
export async function startBillers(): Promise<Billers> {
  const sandboxes = await startRegistrySandboxes();
  const urls = Object.fromEntries(sandboxes.running.map(({ sandbox, url }) => [sandbox.name, url]));
  const urlOf = (kind: string) => sandboxes.byName(kind).url;
  const env = sandboxes.env;
  const file = JSON.parse(readFileSync(DEFAULT_REGISTRY_FILE, 'utf8')) as {
    billers: { options?: Record<string, unknown> }[];
  };
  for (const entry of file.billers) entry.options = { ...entry.options, retries: 0, timeoutMs: 3_000 };
  const registryFile = join(tmpdir(), `${uniqueName('settlement-billers')}.json`);
  writeFileSync(registryFile, JSON.stringify(file));
  const registry = await loadBillerRegistry(registryFile, { env });

  return {
    urls,
    registry,
    registryFile,
    env,
    fault: async (kind, consumer, fault) => {
      await control(urlOf(kind), 'POST', '/faults', { consumer: BILLERS[kind].consumerKey(consumer), ...fault });
    },
    resetFaults: async () => {
      await Promise.all(sandboxes.running.map(({ url }) => control(url, 'DELETE', '/faults')));
    },
    postings: async (kind, reference) => {
      const res = await control(urlOf(kind), 'GET', `/postings?reference=${encodeURIComponent(reference)}`);
      return ((await res.json()) as { count: number }).count;
    },
    close: async () => {
      await registry.close();
      rmSync(registryFile, { force: true });
      await sandboxes.close();
    },
  };
}
