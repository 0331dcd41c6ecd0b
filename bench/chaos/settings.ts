import { numberSetting, setting } from '../shared/settings.js';
import { PAYMENT_FAULTS, type PaymentFault } from './faults.js';

/** Everything a chaos run can be told; times in ms, rates as 0..1. */
export interface ChaosSettings {
  payments: number;
  /** Citizens paying at once (each runs one payment at a time). */
  citizens: number;
  /** The PRNG seed: the same seed plays the same plan of faults (timing still varies). */
  seed: number;
  /** Share of payments that get one injected biller or gateway fault. */
  faultRate: number;
  /** The payment fault kinds to draw from (all by default): to repeat one kind of failure alone. */
  faultKinds?: PaymentFault[];
  workerKills: number;
  hubKills: number;
  redisRestarts: number;
  /** Quiescence: no payment changed for this long ends the wait... */
  quietMs: number;
  /** ...and the wait never lasts longer than this. */
  settleLimitMs: number;
  /** The children's LOG_LEVEL. */
  logLevel: string;
}

/**
 * The timings of the stack under chaos. Short on purpose: a run must see the hub give up on a
 * biller (attempts, poll limit) and a killed worker's jobs come back, within minutes.
 */
export const CHAOS_TIMINGS = {
  /** Each biller adapter's per-call timeout and retries (bench/chaos/billers.json). */
  billerTimeoutMs: 1_000,
  /** A slow biller answers after this: beyond the adapter's timeout, the posting still recorded. */
  slowBillerMs: 1_600,
  /** How long a slow biller stays slow: past every attempt the hub makes. */
  slowForMs: 9_000,
  /** A late confirmation turns pending into accepted after this: past the hub's poll limit. */
  lateConfirmMs: 5_000,
  env: {
    SETTLEMENT_ATTEMPTS: '3',
    SETTLEMENT_BACKOFF_MS: '300',
    SETTLEMENT_POLL_DELAY_MS: '300',
    SETTLEMENT_MAX_POLLS: '5',
    SETTLEMENT_LOCK_MS: '4000',
    SETTLEMENT_STALLED_CHECK_MS: '2000',
    SETTLEMENT_SWEEP_EVERY_MS: '2000',
    SETTLEMENT_SWEEP_OLDER_THAN_MS: '4000',
    SETTLEMENT_CONCURRENCY: '8',
  },
} as const;

/** The settings from argv (--name=value) or BENCH_NAME variables, with the defaults of `npm run chaos`. */
export function chaosSettingsFromArgs(): ChaosSettings {
  return {
    payments: Math.max(1, numberSetting('payments', 1_000)),
    citizens: Math.max(1, numberSetting('citizens', 8)),
    seed: numberSetting('seed', Math.floor(Math.random() * 2 ** 31)),
    faultRate: Math.min(1, numberSetting('fault-rate', 0.3)),
    faultKinds: faultKindsSetting(),
    workerKills: numberSetting('worker-kills', 3),
    hubKills: numberSetting('hub-kills', 2),
    redisRestarts: numberSetting('redis-restarts', 1),
    quietMs: numberSetting('quiet', 20) * 1000,
    settleLimitMs: numberSetting('settle-limit', 300) * 1000,
    logLevel: setting('log-level', 'warn'),
  };
}

/** --faults=biller_reject,webhook_duplicate (or BENCH_FAULTS): a subset of the payment fault kinds. */
function faultKindsSetting(): PaymentFault[] {
  const kinds = setting('faults', PAYMENT_FAULTS.join(','))
    .split(',')
    .map((kind) => kind.trim())
    .filter(Boolean);
  const unknown = kinds.filter((kind) => !(PAYMENT_FAULTS as readonly string[]).includes(kind));
  if (unknown.length)
    throw new Error(`--faults: unknown kinds ${unknown.join(', ')} (known: ${PAYMENT_FAULTS.join(', ')})`);
  return kinds as PaymentFault[];
}
