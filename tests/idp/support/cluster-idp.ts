import { type ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';
import { resolve } from 'node:path';
import { inject } from 'vitest';
import { connectMongo } from '../../../infra/mongo.js';
import { readCaptured } from '../../../infra/notifier/index.js';
import { createRedis, type Redis } from '../../../infra/redis.js';
import { freePort } from '../../../scripts/local-services/free-port.js';
import type { MachineClient } from '../../hub-api/machine-client.js';
import { captureLines, stopChild, waitForWorkers } from '../../support/cluster-process.js';
import { uniqueName } from '../../support/isolation.js';
import { clientEntry, idpKeys, testClient, writeClientsFile } from './idp-start-up.js';
import { HUB_API, type TestClient } from './test-idp.js';

const MAIN = resolve(import.meta.dirname, '../../../idp/main.ts');

/** One HTTP answer over a connection of its own, so the cluster's round robin picks a worker for it. */
export interface Answer {
  status: number;
  body: string;
}

/** A GET on a new connection (no keep-alive agent): each goes to the next worker in turn. */
export function getFresh(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = get(url, { agent: false, headers, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} in 10 s`)));
    req.on('error', fail);
  });
}

/** /readyz of whichever worker took the connection: its id and pid. */
export async function readyWorker(issuer: string): Promise<{ id: number; pid: number } | undefined> {
  const answer = await getFresh(`${issuer}/readyz`).catch(() => undefined);
  if (answer?.status !== 200) return undefined;
  return (JSON.parse(answer.body) as { worker?: { id: number; pid: number } }).worker;
}

export interface ClusterIdp {
  issuer: string;
  child: ChildProcess;
  hub: TestClient;
  /** Every log line the processes wrote (JSON from pino, or plain text). */
  lines: string[];
  latestCode: (to: string) => Promise<string>;
  /** Waits until `count` distinct workers answer /readyz (and none of `not`), up to `timeoutMs`. */
  workers: (count: number, options?: { not?: number[]; timeoutMs?: number }) => Promise<{ id: number; pid: number }[]>;
  close: () => Promise<void>;
}

/**
 * idp/main.ts as its own process tree with IDP_PROCESSES workers, on a free port, its own
 * database, the test Redis (unprefixed keys: main.ts has no key prefix) and a hub portal client
 * plus `machine` clients. Resolves once the primary has forked and every worker answers.
 */
export async function startClusterIdp(processes: number, machine: MachineClient[] = []): Promise<ClusterIdp> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const hub = testClient('hub-portal');
  const clientsFile = writeClientsFile('idp-cluster-', [
    clientEntry(hub, 'TEST_HUB_SECRET', { first_party: true }),
    ...machine.map((client) => client.entry),
  ]);
  const database = uniqueName('idp_cluster');
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      MONGODB_URI: inject('mongoUri'),
      REDIS_URL: inject('redisUrl'),
      IDP_PROCESSES: String(processes),
      IDP_PORT: String(port),
      BIND_HOST: '127.0.0.1',
      IDP_ISSUER: issuer,
      IDP_MONGODB_DB: database,
      ...idpKeys(),
      IDP_CLIENTS_FILE: clientsFile.file,
      HUB_API_RESOURCE: HUB_API,
      OTP_SENDS_PER_IP_PER_HOUR: '10000',
      TEST_HUB_SECRET: hub.secret,
      ...Object.assign({}, ...machine.map((client) => client.env)),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = captureLines(child);
  const redis: Redis = createRedis(inject('redisUrl'));

  const workers: ClusterIdp['workers'] = (count, options) => waitForWorkers(issuer, child, lines, count, options);

  const close = async () => {
    await stopChild(child);
    const mongo = await connectMongo(inject('mongoUri'), { dbName: database });
    await mongo.dropDatabase();
    await mongo.close();
    await redis.quit();
    clientsFile.remove();
  };

  try {
    await workers(processes);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    issuer,
    child,
    hub,
    lines,
    latestCode: async (to) => {
      const [latest] = await readCaptured(redis, to);
      const code = latest?.text.match(/\b(\d{6})\b/)?.[1];
      if (!code) throw new Error(`no code was sent to ${to}`);
      return code;
    },
    workers,
    close,
  };
}
