import { z } from 'zod';

/** Every settlement option with its default, validated once where the queue or the worker is made. */
export const settlementOptionsSchema = z.object({
  /** BullMQ's key prefix; tests give each file its own. */
  prefix: z.string().min(1).default('bull'),
  queueName: z.string().min(1).default('settlement'),
  /** Tries per job. A biller still unavailable on the last one fails the line, which is then refunded. */
  attempts: z.number().int().min(1).max(50).default(5),
  /** Wait before the first retry, doubled for each next one (BullMQ's exponential backoff). */
  backoffMs: z.number().int().min(0).max(3_600_000).default(1_000),
  /** Wait between two status checks of a posting the biller left pending. */
  pollDelayMs: z.number().int().positive().max(3_600_000).default(2_000),
  /** Status checks before a posting still pending counts as a failure to settle. */
  maxPolls: z.number().int().min(0).max(10_000).default(90),
  /** Lines one worker settles at once. */
  concurrency: z.number().int().min(1).max(256).default(8),
  /** A worker's hold on a job without renewal: the job of a killed worker is taken back after it. */
  lockDurationMs: z.number().int().min(200).default(30_000),
  /**
   * How often a worker looks for jobs whose worker died. Give every worker the same value: one
   * worker's check holds off the others' for its own interval.
   */
  stalledIntervalMs: z.number().int().min(100).default(30_000),
  /** How often the worker process sweeps for stuck work; 0 turns the sweeper off. */
  sweepEveryMs: z.number().int().min(0).default(60_000),
  /** Work unchanged for this long counts as stuck. Longer than a slow biller call, so live work is left alone. */
  sweepOlderThanMs: z.number().int().min(0).default(300_000),
});

export type SettlementOptionsInput = z.input<typeof settlementOptionsSchema>;
export type SettlementOptions = z.output<typeof settlementOptionsSchema>;

/** The options with their defaults; a bad value throws, naming the option. */
export function settlementOptions(input: SettlementOptionsInput = {}): SettlementOptions {
  const parsed = settlementOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new Error(
    `settlement options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  );
}
