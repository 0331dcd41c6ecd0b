/**
 * `npm run bench:adapters`: fetchBill through each adapter against a raw HTTP call to the same
 * sandbox endpoint, in the same run, 50 callers at a time; and through the same biller's
 * declaration (`adapters/<folder>/<folder>.biller.yaml`, run by adapters/declarative/), so the
 * cost of declaring a biller instead of coding it is a same-run ratio. The sandboxes run in their own
 * process so the load generator and the servers do not share an event loop.
 *
 * Two scenarios: the sandbox answers at once (the client's CPU is the limit, so this shows
 * the adapter's CPU cost per call), and it answers after BENCH_BILLER_LATENCY_MS (default 20),
 * as a biller across a network does (this shows what a citizen would notice).
 * BENCH_SECONDS (default 5) is the length of each measured phase.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateConsumers } from '../../adapters/electricity-discom/sandbox/data.js';
import { buildAccounts } from '../../adapters/piped-gas/sandbox/data.js';
import { loadBillerRegistry } from '../../adapters/registry/index.js';
import { registrySandboxes } from '../../adapters/sandboxes/registry-sandboxes.js';
import { localSandboxes } from '../../adapters/sandboxes/sandbox-env.js';
import { createConnections } from '../../adapters/water-board/sandbox/data.js';
import { signedForm } from '../../adapters/water-board/signing.js';
import { freePort } from '../../scripts/local-services/free-port.js';
import { startManaged } from '../../scripts/local-services/managed-process.js';
import { type LoadResult, runLoad } from './load.js';
import { rawClient } from './raw-http.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
/** A real biller answers over a network; the second scenario gives the sandboxes that delay. */
const LATENCY_MS = Number(process.env.BENCH_BILLER_LATENCY_MS ?? 20);

// Every registry sandbox on a free port; the raw side of the comparison below is written per biller.
const portEnv: Record<string, string> = {};
for (const { sandbox } of await registrySandboxes()) portEnv[sandbox.portEnv] = String(await freePort());
const local = await localSandboxes(undefined, portEnv, '127.0.0.1');
const creds = local.env;
const portOf = (name: string): number => {
  const found = local.sandboxes.find(({ sandbox }) => sandbox.name === name);
  if (!found) throw new Error(`no registry sandbox named ${name}`);
  return found.port;
};
const [electricityPort, waterPort, gasPort] = [portOf('electricity'), portOf('water'), portOf('gas')];
const sandboxes = startManaged(
  'sandboxes',
  process.execPath,
  ['--import', 'tsx', resolve(ROOT, 'adapters/sandboxes/main.ts')],
  { ...process.env, SANDBOX_HOST: '127.0.0.1', ...portEnv },
);
const lastSandbox = local.sandboxes.at(-1)?.sandbox.name ?? '';
await sandboxes.waitForLine(new RegExp(`${lastSandbox} sandbox listening`), 30_000);
const base = (port: number) => `http://127.0.0.1:${port}`;

const registry = await loadBillerRegistry(resolve(ROOT, 'adapters/billers.json'), { env: creds });
/** The same registry with each code biller that has a declaration bound to it instead. */
const declaredFile = join(tmpdir(), `bench-declared-billers-${process.pid}.json`);
const entries = (
  JSON.parse(readFileSync(resolve(ROOT, 'adapters/billers.json'), 'utf8')) as {
    billers: { adapter?: string; declaration?: string }[];
  }
).billers.map((entry) => {
  const declaration = entry.adapter && `${entry.adapter}/${entry.adapter}.biller.yaml`;
  if (!declaration || !existsSync(resolve(ROOT, 'adapters', declaration))) return entry;
  const { adapter: _code, ...rest } = entry;
  return { ...rest, declaration };
});
writeFileSync(declaredFile, JSON.stringify({ billers: entries }));
const declared = await loadBillerRegistry(declaredFile, { env: creds });
rmSync(declaredFile);

const raw = rawClient(CONCURRENCY);
const gasToken = (
  (await raw.request(`${base(gasPort)}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.GAS_CLIENT_ID as string,
      client_secret: creds.GAS_CLIENT_SECRET as string,
    }).toString(),
  })) as { access_token: string }
).access_token;

interface Case {
  biller: string;
  port: number;
  consumers: string[];
  param: string;
  raw: (consumer: string) => Promise<unknown>;
}

const cases: Case[] = [
  {
    biller: 'state-electricity',
    port: electricityPort,
    consumers: [...generateConsumers().keys()],
    param: 'consumerNumber',
    raw: (n) =>
      raw.request(`${base(electricityPort)}/v2/consumers/${n}/bill`, {
        headers: { 'X-Api-Key': creds.ELECTRICITY_API_KEY as string },
      }),
  },
  {
    biller: 'city-water',
    port: waterPort,
    consumers: [...createConnections().keys()],
    param: 'connectionId',
    raw: (id) =>
      raw.request(`${base(waterPort)}/api/billfetch`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: signedForm(
          { agencyCode: creds.WATER_AGENCY_CODE as string, connectionId: id },
          creds.WATER_HMAC_SECRET as string,
        ),
      }),
  },
  {
    biller: 'metro-gas',
    port: gasPort,
    consumers: [...buildAccounts(4103).keys()],
    param: 'bpNumber',
    raw: (bp) =>
      raw.request(`${base(gasPort)}/gas/v1/accounts/${bp}/invoice`, {
        headers: { authorization: `Bearer ${gasToken}` },
      }),
  },
];

/** Established connections to a port, as the kernel sees them: socket use under load. */
function connectionsTo(port: number): number {
  const out = execFileSync('ss', ['-Htn', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).length;
}

interface Row {
  scenario: string;
  biller: string;
  raw: LoadResult;
  adapter: LoadResult;
  /** The same calls through the biller's declaration. */
  declared: LoadResult;
  adapterSockets: number;
}

const merge = (list: LoadResult[]): LoadResult => ({
  calls: list.reduce((sum, r) => sum + r.calls, 0),
  errors: list.reduce((sum, r) => sum + r.errors, 0),
  perSecond: Math.round(list.reduce((sum, r) => sum + r.perSecond, 0) / list.length),
  p50Ms: Math.round((list.reduce((sum, r) => sum + r.p50Ms, 0) / list.length) * 100) / 100,
  p99Ms: Math.round((list.reduce((sum, r) => sum + r.p99Ms, 0) / list.length) * 100) / 100,
});

/** Gives every consumer of a sandbox the same answer delay, as a real biller over a network has. */
async function setLatency(c: Case, ms: number): Promise<void> {
  const control = `${base(c.port)}/__sandbox/faults`;
  if (ms === 0) {
    await fetch(control, { method: 'DELETE' });
    return;
  }
  await Promise.all(
    c.consumers.map((consumer) =>
      fetch(control, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ consumer, kind: 'latency', ms }),
      }),
    ),
  );
}

/** raw, adapter, declared, then again: drift on the machine hits every side alike. */
async function compare(c: Case, scenario: string): Promise<Row> {
  const operations = registry.get(c.biller)?.operations;
  const declaredOperations = declared.get(c.biller)?.operations;
  if (!operations || !declaredOperations) throw new Error(`biller ${c.biller} missing from a registry`);
  const pick = (i: number) => c.consumers[i % c.consumers.length] as string;
  const viaAdapter = (i: number) => operations.fetchBill({ [c.param]: pick(i) });
  const viaDeclared = (i: number) => declaredOperations.fetchBill({ [c.param]: pick(i) });
  const viaRaw = (i: number) => c.raw(pick(i));
  await runLoad(viaRaw, CONCURRENCY, 1);
  await runLoad(viaAdapter, CONCURRENCY, 1);
  await runLoad(viaDeclared, CONCURRENCY, 1);
  const results: { raw: LoadResult[]; adapter: LoadResult[]; declared: LoadResult[] } = {
    raw: [],
    adapter: [],
    declared: [],
  };
  let sockets = 0;
  for (let round = 0; round < 2; round++) {
    results.raw.push(await runLoad(viaRaw, CONCURRENCY, SECONDS));
    raw.close(); // so the sockets counted during the adapter phase are the adapter's own
    const during = runLoad(viaAdapter, CONCURRENCY, SECONDS);
    await new Promise((r) => setTimeout(r, (SECONDS * 1000) / 2));
    sockets = Math.max(sockets, connectionsTo(c.port));
    results.adapter.push(await during);
    results.declared.push(await runLoad(viaDeclared, CONCURRENCY, SECONDS));
  }
  return {
    scenario,
    biller: c.biller,
    raw: merge(results.raw),
    adapter: merge(results.adapter),
    declared: merge(results.declared),
    adapterSockets: sockets,
  };
}

const rows: Row[] = [];
for (const [scenario, latency] of [
  ['biller answers at once (the client CPU is the limit)', 0],
  [`biller answers in ${LATENCY_MS} ms`, LATENCY_MS],
] as const) {
  for (const c of cases) {
    await setLatency(c, latency);
    rows.push(await compare(c, scenario));
    await setLatency(c, 0);
  }
}

await registry.close();
await declared.close();
raw.close();
await sandboxes.stop();

const pct = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(1)}%`;
console.log(
  `\nfetchBill, ${CONCURRENCY} concurrent callers, 2 x ${SECONDS} s per side, ${cpus().length} cores, Node ${process.version}`,
);
for (const scenario of new Set(rows.map((r) => r.scenario))) {
  console.log(`\n${scenario}`);
  console.log(
    'biller             raw req/s  adapter req/s  throughput cost  raw p50/p99 ms  adapter p50/p99 ms  p50 overhead  declared req/s  declared/adapter  declared p50/p99 ms  errors  adapter sockets',
  );
  for (const r of rows.filter((row) => row.scenario === scenario)) {
    console.log(
      [
        r.biller.padEnd(18),
        String(r.raw.perSecond).padStart(9),
        String(r.adapter.perSecond).padStart(14),
        pct(r.raw.perSecond, r.adapter.perSecond).padStart(16),
        `${r.raw.p50Ms}/${r.raw.p99Ms}`.padStart(15),
        `${r.adapter.p50Ms}/${r.adapter.p99Ms}`.padStart(19),
        pct(r.adapter.p50Ms, r.raw.p50Ms).padStart(13),
        String(r.declared.perSecond).padStart(15),
        (r.declared.perSecond / r.adapter.perSecond).toFixed(2).padStart(17),
        `${r.declared.p50Ms}/${r.declared.p99Ms}`.padStart(20),
        String(r.raw.errors + r.adapter.errors + r.declared.errors).padStart(7),
        String(r.adapterSockets).padStart(16),
      ].join(' '),
    );
  }
}
mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
const out = resolve(ROOT, `bench/results/adapters-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.json`);
writeFileSync(
  out,
  `${JSON.stringify({ concurrency: CONCURRENCY, seconds: SECONDS, latencyMs: LATENCY_MS, rows }, null, 2)}\n`,
);
console.log(`\nwritten to ${out}`);
