import { z } from 'zod';
import { ConfigError } from '../../infra/config.js';
import { type SettlementOptions, type SettlementOptionsInput, settlementOptionsSchema } from './options.js';

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
