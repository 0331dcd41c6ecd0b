import { z } from 'zod';
import type { BillerRegistry } from '../../adapters/registry/index.js';
import { ConfigError } from '../../infra/config.js';
import type { Logger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import { createRedis } from '../../infra/redis.js';
import { loadBillers } from '../billers.js';
import type { PaymentGateway } from '../gateway/port.js';
import { createSandboxGatewayClient } from '../gateway/sandbox-gateway-client.js';
import { Ledger } from '../ledger/ledger.js';
import { PaymentStore } from '../payments/payment-store.js';
import type { PaymentFinalHook } from './deps.js';
import { type SettlementOptions, type SettlementOptionsInput, settlementOptionsSchema } from './options.js';
import { type SettlementQueue, settlementQueue } from './queue.js';
import { sweepStuckWork } from './sweeper.js';
import { startSettlementWorker } from './worker.js';

const count = () => z.coerce.number().int().optional();

/**
 * The settlement variables, all optional (defaults in options.ts). The hub's schema can take them
 * with `hubEnvSchema.extend(settlementEnvSchema.shape)`; the API process should build its queue
 * with the same values (settlementOptionsFromEnv), since attempts and backoff are set on enqueue.
 */
export const settlementEnvSchema = z.object({
  SETTLEMENT_QUEUE_PREFIX: z.string().min(1).optional(),
  SETTLEMENT_ATTEMPTS: count(),
  SETTLEMENT_BACKOFF_MS: count(),
  SETTLEMENT_POLL_DELAY_MS: count(),
  SETTLEMENT_MAX_POLLS: count(),
  SETTLEMENT_CONCURRENCY: count(),
  SETTLEMENT_LOCK_MS: count(),
  SETTLEMENT_STALLED_CHECK_MS: count(),
  SETTLEMENT_SWEEP_EVERY_MS: count(),
  SETTLEMENT_SWEEP_OLDER_THAN_MS: count(),
});
export type SettlementEnv = z.infer<typeof settlementEnvSchema>;

const OPTION_OF = {
  SETTLEMENT_QUEUE_PREFIX: 'prefix',
  SETTLEMENT_ATTEMPTS: 'attempts',
  SETTLEMENT_BACKOFF_MS: 'backoffMs',
  SETTLEMENT_POLL_DELAY_MS: 'pollDelayMs',
  SETTLEMENT_MAX_POLLS: 'maxPolls',
  SETTLEMENT_CONCURRENCY: 'concurrency',
  SETTLEMENT_LOCK_MS: 'lockDurationMs',
  SETTLEMENT_STALLED_CHECK_MS: 'stalledIntervalMs',
  SETTLEMENT_SWEEP_EVERY_MS: 'sweepEveryMs',
  SETTLEMENT_SWEEP_OLDER_THAN_MS: 'sweepOlderThanMs',
} as const satisfies Record<keyof SettlementEnv, keyof SettlementOptionsInput>;

/** The options the variables set, with defaults for the rest; a bad one is a ConfigError naming it. */
export function settlementOptionsFromEnv(env: Record<string, unknown>): SettlementOptions {
  const present = Object.fromEntries(
    Object.keys(OPTION_OF)
      .map((name) => [name, env[name]])
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = settlementEnvSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const input: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parsed.data)) {
    if (value !== undefined) input[OPTION_OF[name as keyof SettlementEnv]] = value;
  }
  const checked = settlementOptionsSchema.safeParse(input);
  if (checked.success) return checked.data;
  const envName = (option: PropertyKey | undefined) =>
    Object.entries(OPTION_OF).find(([, name]) => name === option)?.[0] ?? String(option);
  throw new ConfigError(checked.error.issues.map((i) => `${envName(i.path[0])}: ${i.message}`));
}

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
