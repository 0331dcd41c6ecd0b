import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { resolve } from 'node:path';
import { inject } from 'vitest';
import { startRegistrySandboxes } from '../../../adapters/sandboxes/running-sandboxes.js';
import { connectMongo } from '../../../infra/mongo.js';
import { freePort } from '../../../scripts/local-services/free-port.js';
import { captureLines, stopChild, waitForWorkers } from '../../support/cluster-process.js';
import { uniqueName } from '../../support/isolation.js';
import { startSandboxGatewayServer } from '../../support/sandbox-gateway-server.js';

const MAIN = resolve(import.meta.dirname, '../../../hub/main.ts');
const WORKER_MAIN = resolve(import.meta.dirname, '../../../hub/worker/main.ts');
const GATEWAY_API_KEY = 'cluster-hub-gateway-key-0001';
const GATEWAY_WEBHOOK_SECRET = 'cluster-hub-webhook-secret-0001';

/** One answer to a request sent on a connection of its own. */
export interface FreshAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A request on a new connection (no keep-alive agent), so the cluster's round robin hands each to
 * the next worker: what many citizens' phones do, one connection each.
 */
export function requestFresh(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<FreshAnswer> {
  return new Promise((done, fail) => {
    const req = http.request(url, {
      method: init.method ?? 'GET',
      agent: false,
      headers: init.headers,
      timeout: 20_000,
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} in 20 s`)));
    req.on('error', fail);
    req.end(init.body);
  });
}

export interface ClusterHub {
  url: string;
  child: ChildProcess;
  /** The hub's own database name on the test MongoDB. */
  database: string;
  /** Every log line the processes wrote (JSON from pino, or plain text). */
  lines: string[];
  /** Waits until `count` distinct workers answer /readyz, up to `timeoutMs`. */
  workers: (count: number, timeoutMs?: number) => Promise<{ id: number; pid: number }[]>;
  close: () => Promise<void>;
}

/**
 * hub/main.ts as its own process tree with HUB_PROCESSES workers, on a free port and a database
 * of its own, against every registry biller's sandbox and a sandbox gateway (both in this
 * process), trusting `issuer`'s tokens for `resource`. Resolves once every worker answers.
 */
export async function startClusterHub(
  processes: number,
  issuer: string,
  resource: string,
  env: Record<string, string> = {},
  /** Also run one settlement worker process (hub/worker/main.ts) on the same queue and database. */
  withWorker = false,
): Promise<ClusterHub> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const gateway = await startSandboxGatewayServer({
    apiKey: GATEWAY_API_KEY,
    webhookSecret: GATEWAY_WEBHOOK_SECRET,
    webhookUrl: `${url}/api/v1/gateway/webhooks`,
    pendingDelayMs: 200,
    webhookBackoffMs: 20,
  });
  const billers = await startRegistrySandboxes();
  const database = uniqueName('hub_cluster');
  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    ...billers.env,
    MONGODB_URI: inject('mongoUri'),
    REDIS_URL: inject('redisUrl'),
    HUB_PROCESSES: String(processes),
    HUB_PORT: String(port),
    BIND_HOST: '127.0.0.1',
    HUB_MONGODB_DB: database,
    IDP_ISSUER: issuer,
    HUB_API_RESOURCE: resource,
    GATEWAY_BASE_URL: gateway.url,
    GATEWAY_API_KEY,
    GATEWAY_WEBHOOK_SECRET,
    // A queue of its own: no other test's worker takes its jobs.
    SETTLEMENT_QUEUE_PREFIX: uniqueName('bull'),
    ...env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const worker = withWorker
    ? spawn(process.execPath, ['--import', 'tsx', WORKER_MAIN], {
        env: { ...childEnv, WORKER_PORT: String(await freePort()), SETTLEMENT_POLL_DELAY_MS: '100' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : undefined;
  const lines = captureLines(child, worker);

  const workers: ClusterHub['workers'] = (count, timeoutMs = 90_000) =>
    waitForWorkers(url, child, lines, count, { timeoutMs });

  const close = async () => {
    await stopChild(worker);
    await stopChild(child);
    const mongo = await connectMongo(inject('mongoUri'), { dbName: database });
    await mongo.dropDatabase();
    await mongo.close();
    await gateway.close();
    await billers.close();
  };

  try {
    await workers(processes);
  } catch (error) {
    await close();
    throw error;
  }
  return { url, child, database, lines, workers, close };
}
