import { inject } from 'vitest';
import { type BillerRegistry, loadBillerRegistry } from '../../adapters/registry/index.js';
import { DEFAULT_REGISTRY_FILE } from '../../adapters/sandboxes/registry-sandboxes.js';
import { startRegistrySandboxes } from '../../adapters/sandboxes/running-sandboxes.js';
import { buildHub } from '../../hub/app.js';
import type { StartSettlement } from '../../hub/checkout/payment-capture.js';
import { loadHubConfig, settlementOptionsOf } from '../../hub/config.js';
import { lateDemandBillerPort } from '../../hub/demands/demand-biller-port.js';
import { DemandStore } from '../../hub/demands/demand-store.js';
import type { SandboxGateway } from '../../hub/gateway/sandbox-server/app.js';
import { enqueueSettlement, settlementQueue } from '../../hub/settlement/index.js';
import { type RunningJobs, startWorkerJobs } from '../../hub/worker/jobs.js';
import { createLogger } from '../../infra/logger.js';
import { createRedis } from '../../infra/redis.js';
import { type StartedService, startService } from '../../infra/service-runtime.js';
import { freePort } from '../../scripts/local-services/free-port.js';
import { uniqueName } from '../support/isolation.js';
import { startSandboxGatewayServer } from '../support/sandbox-gateway-server.js';

const GATEWAY_API_KEY = 'test-hub-gateway-key-0001';
const GATEWAY_WEBHOOK_SECRET = 'test-hub-webhook-secret-0001';

/** A request to the hub's API: fetch's init plus an Idempotency-Key. */
export type ApiInit = RequestInit & { key?: string };

/**
 * Calls `/api/v1{path}` on a test hub as a client would: the Bearer `token` (none when
 * undefined), a JSON content type when there is a body, and `init.key` as the Idempotency-Key.
 */
export function callHubApi(hub: { url: string }, path: string, token: string | undefined, init: ApiInit = {}) {
  return fetch(`${hub.url}/api/v1${path}`, {
    ...init,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(init.key ? { 'idempotency-key': init.key } : {}),
    },
  });
}

export interface TestHub {
  url: string;
  service: StartedService;
  /**
   * Each registry biller's sandbox URL by its sandbox name (e.g. `sandboxes.electricity`,
   * adapters/<folder>/sandbox.ts), and the sandbox gateway's.
   */
  sandboxes: Readonly<Record<string, string>> & { gateway: string };
  /** The worker's jobs, when started with settlement. */
  worker?: RunningJobs;
  gateway: SandboxGateway;
  /** While true the sandbox gateway answers every request 503, as a gateway that is down. */
  setGatewayDown(down: boolean): void;
  /** Payments handed to settlement, in order. */
  settlementStarts: string[];
  registry: BillerRegistry;
  close: () => Promise<void>;
}

/** The hub API against every registry biller's sandbox, trusting the given idp's tokens. */
export async function startTestHub(
  issuer: string,
  resource: string,
  env: Record<string, string> = {},
  /** Run settlement for real: a queue and a worker in this process, with receipts. */
  settle = false,
): Promise<TestHub> {
  // The hub's port is known first: the gateway needs its webhook URL, the hub the gateway's URL.
  const hubPort = await freePort();
  let gatewayDown = false;
  const gatewayServer = await startSandboxGatewayServer(
    {
      apiKey: GATEWAY_API_KEY,
      webhookSecret: GATEWAY_WEBHOOK_SECRET,
      webhookUrl: `http://127.0.0.1:${hubPort}/api/v1/gateway/webhooks`,
      pendingDelayMs: 200,
      webhookBackoffMs: 20,
    },
    (handler) => (req, res) => {
      if (!gatewayDown) return handler(req, res);
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"unavailable"}}');
    },
  );
  const { gateway, url: gatewayUrl } = gatewayServer;
  const settlementStarts: string[] = [];
  const billers = await startRegistrySandboxes();
  // As hub/main.ts: the payment-demands biller reads the hub's demand store once Mongo is up.
  const demandPort = lateDemandBillerPort();
  const registry = await loadBillerRegistry(DEFAULT_REGISTRY_FILE, {
    services: { demands: demandPort },
    env: billers.env,
  });
  const config = loadHubConfig({
    NODE_ENV: 'test',
    MONGODB_URI: inject('mongoUri'),
    REDIS_URL: inject('redisUrl'),
    HUB_MONGODB_DB: uniqueName('hub'),
    IDP_ISSUER: issuer,
    HUB_API_RESOURCE: resource,
    GATEWAY_BASE_URL: gatewayUrl,
    GATEWAY_API_KEY,
    GATEWAY_WEBHOOK_SECRET,
    // Fast retries and polls, and a queue of its own, so test files never share jobs.
    SETTLEMENT_QUEUE_PREFIX: uniqueName('bull'),
    SETTLEMENT_BACKOFF_MS: '50',
    SETTLEMENT_POLL_DELAY_MS: '100',
    SETTLEMENT_SWEEP_EVERY_MS: '0',
    ...env,
  });
  const queueConnection = settle ? createRedis(config.REDIS_URL, { forBlockingCommands: true }) : undefined;
  const queue = queueConnection ? settlementQueue(queueConnection, settlementOptionsOf(config)) : undefined;
  const startSettlement: StartSettlement | undefined = queue
    ? async (payment) => {
        await enqueueSettlement(queue, payment);
      }
    : undefined;
  const service = await startService({
    name: 'hub',
    port: hubPort,
    host: '127.0.0.1',
    mongoUri: config.MONGODB_URI,
    mongoDb: config.HUB_MONGODB_DB,
    redisUrl: config.REDIS_URL,
    redisKeyPrefix: `${uniqueName('hub')}:`,
    logger: createLogger('hub', process.env.TEST_HUB_LOG ?? 'silent'),
    build: (deps) => {
      demandPort.bind(new DemandStore(deps.mongo));
      return buildHub(config, registry, deps, {
        publicUrl: `http://127.0.0.1:${hubPort}`,
        ...(queue ? { workQueue: queue } : {}),
        startSettlement: async (payment) => {
          settlementStarts.push(payment._id);
          await startSettlement?.(payment);
        },
      });
    },
  });
  const log = createLogger('worker', process.env.TEST_HUB_LOG ?? 'silent');
  const worker = settle
    ? await startWorkerJobs(config, { mongo: service.mongo, redis: service.redis, log, billers: registry })
    : undefined;
  return {
    url: service.url,
    service,
    registry,
    gateway,
    setGatewayDown: (down) => {
      gatewayDown = down;
    },
    settlementStarts,
    worker,
    sandboxes: {
      ...Object.fromEntries(billers.running.map(({ sandbox, url }) => [sandbox.name, url])),
      gateway: gatewayUrl,
    },
    close: async () => {
      await worker?.close();
      await queue?.obliterate({ force: true });
      await queue?.close();
      await queueConnection?.quit();
      await service.mongo.dropDatabase();
      await service.close();
      await gatewayServer.close();
      await billers.close();
    },
  };
}
