import type Koa from 'koa';
import type { ConsumerRef } from '../../sdk/contract.js';
import type { ContractFixtures } from '../../sdk/testkit/index.js';

/** What every sandbox app is built with; each sandbox ignores what it has no use for. */
export interface SandboxAppOptions {
  /** Consumers on the books (default 200; bounds in population.ts): the seeded first ones never change. */
  consumers?: number;
  /** The clock that decides whether a bill is late (by the Indian date); tests set it. */
  clock?: () => Date;
}

/**
 * A biller's sandbox as everything outside its folder sees it: the start script, `npm run
 * sandboxes`, the test harnesses, the benchmarks and the generated env docs loop over these
 * (found through the registry, `registry-sandboxes.ts`) and never name a biller.
 *
 * A code biller exports one as `sandbox` from `adapters/<folder>/sandbox.ts`; a declared sandbox
 * (`adapters/<folder>/sandbox.yaml`) is turned into one by `adapters/sandboxes/declared/`.
 */
export interface BillerSandbox {
  /** Short lower-case name used in logs and env names, e.g. "electricity", "property-tax". */
  name: string;
  /** Port `npm start` and `npm run sandboxes` listen on unless `portEnv` says otherwise, e.g. 4101. */
  defaultPort: number;
  /** The variable that moves it, e.g. "ELECTRICITY_SANDBOX_PORT". */
  portEnv: string;
  /** Builds the app (a Koa app offering the biller's API and the /__sandbox controls). */
  create(options?: SandboxAppOptions): Koa;
  /**
   * Values of the adapter's options that the sandbox decides, by option name (not env name),
   * e.g. `{ apiKey: "sandbox-state-electricity-0001" }`: what `npm start` hands the hub for the
   * registry entry's `{"$env"}` options. `baseUrl` is never here: it is the sandbox's own URL.
   */
  adapterOptions: Readonly<Record<string, string>>;
  /** Consumers the sandbox knows each way, for the contract kit and the harnesses. */
  fixtures: ContractFixtures;
  /** The consumer's one identifying value, under which the sandbox files faults and postings. */
  consumerKey(consumer: ConsumerRef): string;
}
