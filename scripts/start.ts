/**
 * `npm start`: the whole system on this machine. Uses MONGODB_URI / REDIS_URL when set,
 * otherwise starts a private MongoDB-compatible server and Redis with data under DATA_DIR
 * (default ./data), then runs every service as its own process (the biller sandboxes: one per
 * registry biller that has one) and stops all of it on Ctrl-C.
 */
import { resolve } from 'node:path';
import { DEFAULT_REGISTRY_FILE } from '../adapters/sandboxes/registry-sandboxes.js';
import { localSandboxes } from '../adapters/sandboxes/sandbox-env.js';
import { defaultSandboxWalletCredentials } from '../adapters/sandboxes/wallet/options.js';
import { hubProcessCount } from '../hub/config.js';
import { defaultSandboxGatewayCredentials } from '../hub/gateway/sandbox-server/options.js';
import { idpProcessCount } from '../idp/config.js';
import { loadConfig } from '../infra/config.js';
import { devSecrets } from './dev-secrets.js';
import { startLocalServices } from './local-services/index.js';
import { type ManagedProcess, startManaged } from './local-services/managed-process.js';
import { bannerRows, dataDirLabel } from './start-banner.js';
import { startEnvSchema } from './start-config.js';

interface ServiceEntry {
  name: string;
  entry: string;
  /** Where a person or a health check reaches it. */
  url: string;
  /** Full URLs that all answer 200 once the service is ready. */
  ready: string[];
  /** Said after its address in the banner (e.g. how many processes serve it). */
  note?: string;
}

const ROOT = resolve(import.meta.dirname, '..');
const env = process.env;
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);

// Every registry biller with a sandbox, on its port (its port variable moves it), and the
// variables that point the hub's registry entries at them: no biller is named here.
const registryFile = env.BILLERS_FILE ? resolve(env.BILLERS_FILE) : DEFAULT_REGISTRY_FILE;
const billerSandboxes = await localSandboxes(registryFile, env).catch((error: Error) => {
  console.error(`npm start: the biller sandboxes of ${registryFile}: ${error.message}`);
  process.exit(1);
});

/** "N processes" for the banner: what `count` (idp/main.ts's or hub/main.ts's rule) gives for the variable `name`. */
function processesNote(name: string, count: (set: number | undefined) => number): string {
  const set = Number(env[name]);
  const processes = count(Number.isInteger(set) && set > 0 ? set : undefined);
  return processes === 1 ? '1 process' : `${processes} processes`;
}

/** A service that answers `path` on `port` (from the variable `portVar`, else `fallback`) once ready. */
function service(name: string, entry: string, portVar: string, fallback: number, path: string): ServiceEntry {
  const url = `http://localhost:${port(portVar, fallback)}`;
  return { name, entry, url, ready: [`${url}${path}`] };
}

const SERVICES: ServiceEntry[] = [
  // A registry without biller sandboxes (only real billers) runs no sandboxes process.
  ...(billerSandboxes.sandboxes.length
    ? [
        {
          name: 'sandboxes',
          entry: 'adapters/sandboxes/main.ts',
          url: billerSandboxes.sandboxes.map(({ sandbox, url }) => `${url} (${sandbox.name})`).join(', '),
          ready: billerSandboxes.sandboxes.map(({ url }) => `${url}/__sandbox/health`),
        },
      ]
    : []),
  service('gateway', 'hub/gateway/sandbox-server/main.ts', 'GATEWAY_SANDBOX_PORT', 4110, '/__sandbox/health'),
  service('wallet', 'adapters/sandboxes/wallet/main.ts', 'WALLET_SANDBOX_PORT', 4120, '/__sandbox/health'),
  // One idp and one hub API process per core (IDP_PROCESSES, HUB_PROCESSES; each main.ts runs a Node cluster).
  {
    ...service('idp', 'idp/main.ts', 'IDP_PORT', 4000, '/readyz'),
    note: processesNote('IDP_PROCESSES', (set) => idpProcessCount({ IDP_PROCESSES: set })),
  },
  {
    ...service('hub', 'hub/main.ts', 'HUB_PORT', 3000, '/readyz'),
    note: processesNote('HUB_PROCESSES', (set) => hubProcessCount({ HUB_PROCESSES: set })),
  },
  service('provider-portal', 'provider-portal/main.ts', 'PROVIDER_PORTAL_PORT', 5000, '/readyz'),
  service('operator-console', 'operator-console/main.ts', 'OPERATOR_CONSOLE_PORT', 5100, '/readyz'),
  service('worker', 'hub/worker/main.ts', 'WORKER_PORT', 3001, '/readyz'),
];
const READY_TIMEOUT_MS = 60_000;

const dataDir = resolve(ROOT, loadConfig(startEnvSchema, env).DATA_DIR);
const local = await startLocalServices({ mode: 'dev', dataDir }).catch((error: Error) => {
  console.error(`npm start: ${error.message}`);
  process.exit(1);
});
const childEnv = {
  ...env,
  ...devSecrets(resolve(dataDir, 'dev-secrets.json'), env),
  // The sandboxes' URLs and credentials win over the environment: a moved sandbox port moves the hub too.
  ...billerSandboxes.env,
  BILLERS_FILE: registryFile,
  // The hub and the sandbox gateway share its credentials; the gateway calls the hub's webhook.
  GATEWAY_API_KEY: env.GATEWAY_API_KEY ?? defaultSandboxGatewayCredentials.apiKey,
  GATEWAY_WEBHOOK_SECRET: env.GATEWAY_WEBHOOK_SECRET ?? defaultSandboxGatewayCredentials.webhookSecret,
  GATEWAY_WEBHOOK_URL: env.GATEWAY_WEBHOOK_URL ?? `http://localhost:${port('HUB_PORT', 3000)}/api/v1/gateway/webhooks`,
  // The hub and the sandbox wallet share its API key and merchant wallet.
  WALLET_API_KEY: env.WALLET_API_KEY ?? defaultSandboxWalletCredentials.apiKey,
  WALLET_PAYEE: env.WALLET_PAYEE ?? defaultSandboxWalletCredentials.merchant,
  // The portals run on localhost, which the idp's outgoing calls otherwise refuse.
  IDP_OUTBOUND_ALLOW_PRIVATE: env.IDP_OUTBOUND_ALLOW_PRIVATE ?? 'true',
  // The example provider organisation, with a known member for local use (provider-portal/README.md).
  IDP_ROLES_FILE: env.IDP_ROLES_FILE ?? 'idp/roles.example.json',
  MONGODB_URI: local.mongoUri,
  REDIS_URL: local.redisUrl,
};
const children = new Map<string, ManagedProcess>();
let stopping = false;
/** Why the start failed, said again once everything has stopped, so it is the last thing on screen. */
let failure: string | undefined;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log('\nstopping services...');
    await Promise.all([...children.values()].map((child) => child.stop()));
    await local.stop();
    if (failure) console.error(`\nnpm start failed: ${failure}`);
  }
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

for (const service of SERVICES) {
  const child = startManaged(
    service.name,
    process.execPath,
    ['--import', 'tsx', resolve(ROOT, service.entry)],
    childEnv,
  );
  child.onLine((line) => console.log(`[${service.name}] ${line}`));
  child.child.once('exit', (code) => {
    if (stopping) return;
    console.error(`${service.name} exited (code ${code}); stopping everything`);
    failure ??= `${service.name} exited (code ${code}); its lines above say why`;
    void stopAll(1);
  });
  children.set(service.name, child);
}

try {
  await Promise.all(SERVICES.map((service) => waitUntilReady(service)));
} catch (error) {
  console.error(`npm start: ${(error as Error).message}`);
  failure ??= (error as Error).message.split('\n')[0];
  await stopAll(1);
}
// A service that exited while the others were starting is stopping everything: no "all up" banner.
if (stopping) await new Promise<never>(() => {});

// The citizen portal is what a person opens first: sign in, see dues, pay, get receipts.
console.log(`\nOpen the citizen portal: http://localhost:${port('HUB_PORT', 3000)}/`);
console.log(
  `Providers raise demands at http://localhost:${port('PROVIDER_PORTAL_PORT', 5000)}/ (member +919800000001, codes at http://localhost:${port('IDP_PORT', 4000)}/__dev/messages?to=%2B919800000001)`,
);
console.log(
  `Operators work at http://localhost:${port('OPERATOR_CONSOLE_PORT', 5100)}/ (operator +919800000009, with an authenticator app: operator-console/README.md)`,
);
console.log('\nAll services are up:');
const dataNote = ` (local, data in ${dataDirLabel(dataDir, process.cwd())})`;
const rows = [
  { name: 'MongoDB', address: `${local.mongoUri}${local.started.mongo ? dataNote : ''}` },
  { name: 'Redis', address: `${local.redisUrl}${local.started.redis ? dataNote : ''}` },
  ...SERVICES.map((service) => ({
    name: service.name,
    address: service.note ? `${service.url} (${service.note})` : service.url,
  })),
];
for (const row of bannerRows(rows)) console.log(row);
console.log('Press Ctrl-C to stop.');

async function waitUntilReady(service: ServiceEntry): Promise<void> {
  const probes = service.ready;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (stopping) return;
    const answers = await Promise.all(
      probes.map((url) =>
        fetch(url, { signal: AbortSignal.timeout(1_000) })
          .then((res) => res.ok)
          .catch(() => false),
      ),
    );
    if (answers.every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${service.name} was not ready at ${probes.join(', ')} within ${READY_TIMEOUT_MS} ms`);
}
