import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { registrySandboxes } from '../../adapters/sandboxes/registry-sandboxes.js';
import { localSandboxes } from '../../adapters/sandboxes/sandbox-env.js';
import { defaultSandboxGatewayCredentials } from '../../hub/gateway/sandbox-server/options.js';
import { freePort } from '../../scripts/local-services/free-port.js';
import { type ManagedProcess, startManaged } from '../../scripts/local-services/managed-process.js';
import { waitForHubWorkers, waitUntilGone } from './hub-workers.js';
import { type ProbeSnapshot, readMergedProbe } from './probe-files.js';
import { treeUsageOf } from './proc.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PROBE = resolve(import.meta.dirname, 'probe.ts');
const READY_TIMEOUT_MS = 90_000;

export type ServiceName = 'sandboxes' | 'gateway' | 'hub' | 'worker';

/** Warnings and errors a child logged (pino JSON with LOG_LEVEL=warn, or plain lines). */
export interface LogTally {
  warnings: number;
  errors: number;
  samples: Map<string, number>;
}

export interface Service {
  name: ServiceName;
  /** The child process (with a hub cluster: its primary, whose children are the workers). */
  pid: number;
  /** Where its readiness is asked. */
  readyUrl: string;
  /** Hub and worker only: what probe.ts writes (a hub cluster's workers: `<probeFile>.w<id>`). */
  probeFile?: string;
  process: ManagedProcess;
  logs: LogTally;
}

export interface StackOptions {
  mongoUri: string;
  redisUrl: string;
  issuer: string;
  jwksUrl: string;
  logLevel: string;
  runId: string;
  /** A temp dir for the probe files. */
  work: string;
  /** More variables for every child (e.g. SETTLEMENT_*, BILLERS_FILE); they win over the defaults. */
  extraEnv?: Record<string, string>;
  /**
   * HUB_PROCESSES of the hub (default 1: one process, no cluster). Always passed, so that the
   * machine's core count (the hub's default when it is unset) never changes what is measured.
   */
  hubProcesses?: number;
}

export interface Stack {
  services: Record<ServiceName, Service>;
  hubUrl: string;
  /** The API's resource indicator: the audience of the citizens' tokens. */
  audience: string;
  gatewayUrl: string;
  /** Each registry biller's sandbox URL by its sandbox name (e.g. `sandboxUrls.gas`). */
  sandboxUrls: Record<string, string>;
  gatewayApiKey: string;
  hubDb: string;
  /** HUB_PROCESSES: the hub's worker processes when > 1 (a cluster primary and that many workers), else 1. */
  hubProcesses: number;
  /** The child environment, for the report (secrets left out). */
  settings: Record<string, string>;
  /**
   * Kills one service with SIGKILL (no graceful shutdown: a crash), starts it again with the same
   * ports and environment, and waits until it is ready. `services[name]` is the new process after.
   * A hub cluster's workers exit when their killed primary's IPC channel closes: the restart waits
   * for them to be gone before it starts the new hub.
   */
  restart: (name: ServiceName) => Promise<void>;
  /**
   * Starts `count` more worker processes (`worker-1` …), each as `worker` runs (own WORKER_PORT and
   * probe file, the same Redis queue and database: what `docker compose up --scale worker=N`
   * runs), and waits until each is ready.
   */
  startWorkers: (count: number) => Promise<Service[]>;
  /** Stops the given worker processes gracefully (active jobs finish first). */
  stopWorkers: (workers: Service[]) => Promise<void>;
  stop: () => Promise<void>;
}

function tally(line: string, logs: LogTally): void {
  let level = 0;
  let message = line;
  if (line.startsWith('{')) {
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string }; why?: string };
      level = entry.level ?? 0;
      message = [entry.msg, entry.why ?? entry.err?.message].filter(Boolean).join(': ');
    } catch {
      // not JSON after all
    }
  } else if (/error|exception|warn/i.test(line)) {
    level = /warn/i.test(line) ? 40 : 50;
  }
  if (level < 40) return;
  if (level >= 50) logs.errors++;
  else logs.warnings++;
  const key = message.slice(0, 160);
  if (logs.samples.size < 20 || logs.samples.has(key)) logs.samples.set(key, (logs.samples.get(key) ?? 0) + 1);
}

/**
 * What probe.ts counted in the service's process; with a hub cluster the sum over its workers
 * (bench/hub/probe-files.ts readMergedProbe). Undefined for a service without a probe, or before the first write.
 */
export function readProbe(service: Service): ProbeSnapshot | undefined {
  return service.probeFile ? readMergedProbe(service.probeFile) : undefined;
}

/**
 * Every registry biller's sandbox, the sandbox gateway, the hub and one worker, each its own child
 * process on free loopback ports, wired as `npm start` wires them (scripts/start.ts).
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const [gateway, hub, worker] = await Promise.all(Array.from({ length: 3 }, freePort));
  const hubProcesses = Math.max(1, options.hubProcesses ?? 1);
  // Each sandbox on a free port (its port variable), and the registry's {"$env"} options pointed at it.
  const sandboxPorts: Record<string, string> = {};
  for (const { sandbox } of await registrySandboxes(options.extraEnv?.BILLERS_FILE)) {
    sandboxPorts[sandbox.portEnv] = String(await freePort());
  }
  const billers = await localSandboxes(options.extraEnv?.BILLERS_FILE, sandboxPorts, '127.0.0.1');
  const local = (port: number | undefined) => `http://127.0.0.1:${port}`;
  const hubUrl = local(hub);
  const gatewayUrl = local(gateway);
  const audience = `${hubUrl}/api`;
  const hubDb = `bench_hub_${options.runId}`;
  const settings: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: options.logLevel,
    MONGODB_URI: options.mongoUri,
    REDIS_URL: options.redisUrl,
    SANDBOX_HOST: '127.0.0.1',
    ...sandboxPorts,
    ...billers.env,
    GATEWAY_SANDBOX_PORT: String(gateway),
    GATEWAY_BASE_URL: gatewayUrl,
    GATEWAY_PUBLIC_URL: gatewayUrl,
    GATEWAY_WEBHOOK_URL: `${hubUrl}/api/v1/gateway/webhooks`,
    HUB_PORT: String(hub),
    HUB_PROCESSES: String(hubProcesses),
    WORKER_PORT: String(worker),
    HUB_MONGODB_DB: hubDb,
    // Its own queue keys, in case REDIS_URL is a shared Redis.
    SETTLEMENT_QUEUE_PREFIX: `bench-hub-${options.runId}`,
    IDP_ISSUER: options.issuer,
    IDP_JWKS_URL: options.jwksUrl,
    HUB_API_RESOURCE: audience,
    CHECKOUT_RETURN_URL: `${hubUrl}/checkout/return`,
    NOTIFIER_TRANSPORT: 'capture',
    // Production requires one (receipts' QR tokens); the same for the hub and the worker.
    RECEIPT_SIGNING_KEYS: randomBytes(32).toString('base64url'),
    ...options.extraEnv,
  };
  const gatewayApiKey = process.env.GATEWAY_API_KEY ?? defaultSandboxGatewayCredentials.apiKey;
  const env = {
    ...process.env,
    ...settings,
    GATEWAY_API_KEY: gatewayApiKey,
    GATEWAY_WEBHOOK_SECRET: process.env.GATEWAY_WEBHOOK_SECRET ?? defaultSandboxGatewayCredentials.webhookSecret,
  };

  const entries: [ServiceName, string, string, boolean][] = [
    // main.ts starts them in registry order: the last one answering means all are up.
    ['sandboxes', 'adapters/sandboxes/main.ts', `${billers.sandboxes.at(-1)?.url}/__sandbox/health`, false],
    ['gateway', 'hub/gateway/sandbox-server/main.ts', `${gatewayUrl}/__sandbox/health`, false],
    ['hub', 'hub/main.ts', `${hubUrl}/readyz`, true],
    ['worker', 'hub/worker/main.ts', `${local(worker)}/readyz`, true],
  ];
  const services = {} as Record<ServiceName, Service>;
  const launch = ([name, entry, readyUrl, probed]: (typeof entries)[number], logs?: LogTally) => {
    const probeFile = probed ? join(options.work, `${name}.probe.json`) : undefined;
    const args = ['--import', 'tsx', ...(probed ? ['--import', PROBE] : []), resolve(ROOT, entry)];
    const child = startManaged(name, process.execPath, args, probeFile ? { ...env, BENCH_PROBE_FILE: probeFile } : env);
    const tallied: LogTally = logs ?? { warnings: 0, errors: 0, samples: new Map() };
    child.onLine((line) => tally(line, tallied));
    services[name] = { name, pid: child.child.pid ?? 0, readyUrl, probeFile, process: child, logs: tallied };
  };
  for (const entry of entries) launch(entry);
  /** Ready, and with a hub cluster every one of its workers too. */
  const ready = async (service: Service) => {
    await waitUntilReady(service);
    if (service.name === 'hub' && hubProcesses > 1) {
      await waitForHubWorkers(service.readyUrl, hubProcesses, READY_TIMEOUT_MS);
    }
  };

  const restart = async (name: ServiceName) => {
    const service = services[name];
    const { child } = service.process;
    if (child.exitCode === null && child.signalCode === null) {
      const below = (treeUsageOf(service.pid)?.pids ?? []).filter((pid) => pid !== service.pid);
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGKILL');
      await exited;
      await waitUntilGone(below);
    }
    const entry = entries.find(([entryName]) => entryName === name);
    if (!entry) throw new Error(`no service ${name}`);
    launch(entry, service.logs);
    await ready(services[name]);
  };

  const extra = new Set<Service>();
  let workersStarted = 0;
  const startWorkers = async (count: number) => {
    const started: Service[] = [];
    for (let i = 0; i < count; i++) {
      const n = ++workersStarted;
      const port = await freePort();
      const probeFile = join(options.work, `worker-${n}.probe.json`);
      const child = startManaged(
        `worker-${n}`,
        process.execPath,
        ['--import', 'tsx', '--import', PROBE, resolve(ROOT, 'hub/worker/main.ts')],
        {
          ...env,
          WORKER_PORT: String(port),
          BENCH_PROBE_FILE: probeFile,
        },
      );
      const logs: LogTally = { warnings: 0, errors: 0, samples: new Map() };
      child.onLine((line) => tally(line, logs));
      const service: Service = {
        name: 'worker',
        pid: child.child.pid ?? 0,
        readyUrl: `${local(port)}/readyz`,
        probeFile,
        process: child,
        logs,
      };
      extra.add(service);
      started.push(service);
    }
    await Promise.all(started.map(waitUntilReady));
    return started;
  };
  const stopWorkers = async (workers: Service[]) => {
    await Promise.all(workers.map((w) => w.process.stop(10_000)));
    for (const w of workers) {
      extra.delete(w);
      if (w.probeFile) rmSync(w.probeFile, { force: true });
    }
  };

  const stop = async () => {
    await stopWorkers([...extra]);
    await Promise.all(Object.values(services).map((service) => service.process.stop(10_000)));
    for (const service of Object.values(services)) {
      if (service.probeFile) rmSync(service.probeFile, { force: true });
    }
  };
  try {
    await Promise.all(Object.values(services).map(ready));
  } catch (error) {
    await stop();
    throw error;
  }
  const sandboxUrls = Object.fromEntries(billers.sandboxes.map(({ sandbox, url }) => [sandbox.name, url]));
  return {
    services,
    hubUrl,
    audience,
    gatewayUrl,
    sandboxUrls,
    gatewayApiKey,
    hubDb,
    hubProcesses,
    settings,
    restart,
    startWorkers,
    stopWorkers,
    stop,
  };
}

async function waitUntilReady(service: Service): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { child } = service.process;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${service.name} exited during start-up:\n${service.process.output()}`);
    }
    const ok = await fetch(service.readyUrl, { signal: AbortSignal.timeout(1_000) })
      .then((res) => res.ok)
      .catch(() => false);
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`${service.name} was not ready at ${service.readyUrl}:\n${service.process.output()}`);
}
