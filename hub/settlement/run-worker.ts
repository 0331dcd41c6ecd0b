import type { BillerRegistry } from '../../adapters/registry/index.js';
import type { Logger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import { createRedis } from '../../infra/redis.js';
import { loadBillers } from '../billers.js';
import type { PaymentGateway } from '../gateway/port.js';
import { createSandboxGatewayClient } from '../gateway/sandbox-gateway-client.js';
import { Ledger } from '../ledger/ledger.js';
import { PaymentStore } from '../payments/payment-store.js';
import type { PaymentFinalHook } from './deps.js';
import { type SettlementQueue, settlementQueue } from './queue.js';
import { type SettlementEnv, settlementOptionsFromEnv } from './settlement-env.js';
import { sweepStuckWork } from './sweeper.js';
import { startSettlementWorker } from './worker.js';

/** What the worker process's configuration must carry; the hub's HubConfig does. */
export interface SettlementWorkerConfig extends SettlementEnv {
  REDIS_URL: string;
  BILLERS_FILE: string;
  GATEWAY_BASE_URL: string;
  GATEWAY_API_KEY: string;
  GATEWAY_WEBHOOK_SECRET: string;
}

export interface SettlementWorkerDeps {
  mongo: Connection;
  log: Logger;
  /** Made from the GATEWAY_* variables when not given. */
  gateway?: PaymentGateway;
  /** Loaded from BILLERS_FILE when not given. */
  billers?: BillerRegistry;
  onPaymentFinal?: PaymentFinalHook;
}

export interface RunningSettlement {
  /** The queue the sweeper adds to; the worker process may enqueue on it too. */
  queue: SettlementQueue;
  close(): Promise<void>;
}

/**
 * Settlement inside the hub's worker process: the BullMQ worker and a periodic sweeper. From
 * hub/worker/main.ts: `build: async (deps) => ({ close: (await runSettlementWorker(config, deps)).close })`.
 */
export async function runSettlementWorker(
  config: SettlementWorkerConfig,
  deps: SettlementWorkerDeps,
): Promise<RunningSettlement> {
  const options = settlementOptionsFromEnv(config as unknown as Record<string, unknown>);
  const billers = deps.billers ?? (await loadBillers(config.BILLERS_FILE, deps.log));
  const gateway =
    deps.gateway ??
    createSandboxGatewayClient(
      {
        baseUrl: config.GATEWAY_BASE_URL,
        apiKey: config.GATEWAY_API_KEY,
        webhookSecret: config.GATEWAY_WEBHOOK_SECRET,
      },
      { log: deps.log },
    );
  const payments = new PaymentStore(deps.mongo);
  const ledger = new Ledger(deps.mongo);
  await Promise.all([payments.init(), ledger.init()]);

  const queueConnection = createRedis(config.REDIS_URL, { forBlockingCommands: true });
  const workerConnection = createRedis(config.REDIS_URL, { forBlockingCommands: true });
  const queue = settlementQueue(queueConnection, options);
  const worker = startSettlementWorker({
    payments,
    ledger,
    billers,
    gateway,
    log: deps.log,
    onPaymentFinal: deps.onPaymentFinal,
    connection: workerConnection,
    options,
  });

  let sweeping: Promise<unknown> | undefined;
  const sweep = () => {
    // One sweep at a time: a slow one is not overlapped by the next tick.
    sweeping ??= sweepStuckWork({ payments, ledger, queue, log: deps.log }, { olderThanMs: options.sweepOlderThanMs })
      .catch((error: unknown) => deps.log.error({ err: error }, 'settlement sweep failed'))
      .finally(() => {
        sweeping = undefined;
      });
  };
  const timer = options.sweepEveryMs > 0 ? setInterval(sweep, options.sweepEveryMs) : undefined;
  timer?.unref();
  if (timer) sweep();
  deps.log.info({ queue: options.queueName, concurrency: options.concurrency }, 'settlement worker started');

  return {
    queue,
    close: async () => {
      clearInterval(timer);
      await worker.close();
      await sweeping;
      await queue.close();
      await Promise.all([queueConnection.quit(), workerConnection.quit()]);
      if (!deps.gateway) gateway.close?.();
      if (!deps.billers) await billers.close();
    },
  };
}
