import { once } from 'node:events';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type Koa from 'koa';
import { type BillerRegistry, loadBillerRegistry } from '../../adapters/registry/index.js';
import { createElectricityDiscomSandbox } from '../../adapters/sandboxes/electricity-discom/app.js';
import { FIXTURES as ELECTRICITY } from '../../adapters/sandboxes/electricity-discom/data.js';
import { createPipedGasSandbox } from '../../adapters/sandboxes/piped-gas/app.js';
import { FIXTURES as GAS } from '../../adapters/sandboxes/piped-gas/data.js';
import { sandboxBillerEnv } from '../../adapters/sandboxes/sandbox-env.js';
import { createWaterBoardSandbox } from '../../adapters/sandboxes/water-board/app.js';
import { FIXTURES as WATER } from '../../adapters/sandboxes/water-board/data.js';
import type { ConsumerRef } from '../../adapters/sdk/contract.js';
import type { Fault } from '../../adapters/sdk/testkit/index.js';
import { uniqueName } from '../support/isolation.js';

export type Kind = 'electricity' | 'water' | 'gas';
export const KINDS: readonly Kind[] = ['electricity', 'water', 'gas'];

/** Each biller's id in adapters/billers.json and the sandbox consumers it knows. */
export const BILLERS: Record<Kind, { billerId: string; known: ConsumerRef; rejecting: ConsumerRef }> = {
  electricity: { billerId: 'state-electricity', known: ELECTRICITY.known, rejecting: ELECTRICITY.rejecting },
  water: { billerId: 'city-water', known: WATER.known, rejecting: WATER.rejecting },
  gas: { billerId: 'metro-gas', known: GAS.known, rejecting: GAS.rejecting },
};

/** The sandboxes file faults under the consumer's one identifying value. */
const consumerKey = (consumer: ConsumerRef): string => Object.values(consumer)[0] ?? '';

export interface Billers {
  urls: Record<Kind, string>;
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

async function listen(app: Koa): Promise<{ server: Server; url: string }> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
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

/** The three utility sandboxes in this process, and the registry of adapters/billers.json against them. */
export async function startBillers(): Promise<Billers> {
  const [electricity, water, gas] = await Promise.all([
    listen(createElectricityDiscomSandbox()),
    listen(createWaterBoardSandbox()),
    listen(createPipedGasSandbox()),
  ]);
  const urls = { electricity: electricity.url, water: water.url, gas: gas.url };
  const env = {
    ...sandboxBillerEnv(),
    ELECTRICITY_BASE_URL: urls.electricity,
    WATER_BASE_URL: urls.water,
    GAS_BASE_URL: urls.gas,
  };
  const file = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../adapters/billers.json'), 'utf8')) as {
    billers: { options: Record<string, unknown> }[];
  };
  for (const entry of file.billers) Object.assign(entry.options, { retries: 0, timeoutMs: 3_000 });
  const registryFile = join(tmpdir(), `${uniqueName('settlement-billers')}.json`);
  writeFileSync(registryFile, JSON.stringify(file));
  const registry = await loadBillerRegistry(registryFile, { env });

  return {
    urls,
    registry,
    registryFile,
    env,
    fault: async (kind, consumer, fault) => {
      await control(urls[kind], 'POST', '/faults', { consumer: consumerKey(consumer), ...fault });
    },
    resetFaults: async () => {
      await Promise.all(KINDS.map((kind) => control(urls[kind], 'DELETE', '/faults')));
    },
    postings: async (kind, reference) => {
      const res = await control(urls[kind], 'GET', `/postings?reference=${encodeURIComponent(reference)}`);
      return ((await res.json()) as { count: number }).count;
    },
    close: async () => {
      await registry.close();
      rmSync(registryFile, { force: true });
      for (const { server } of [electricity, water, gas]) {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    },
  };
}
