import { z } from 'zod';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * Every option of the hub's work queue (settlement, status enquiries, receipts and the periodic
 * jobs of hub/worker/jobs.ts) with its default, validated once where the queue or the worker is
 * made. The environment sets them through the hub's one config schema (hub/config.ts).
 */
export const settlementOptionsSchema = z.object({
  prefix: z.string().min(1).default('bull').describe("BullMQ's key prefix in Redis; tests give each file its own."),
  queueName: z.string().min(1).default('settlement'),
  attempts: z
    .number()
    .int()
    .min(1)
    .max(50)
    .default(5)
    .describe(
      "Tries per settlement job. A biller still unavailable on the last one leaves the line's outcome unknown.",
    ),
  backoffMs: z
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(1_000)
    .describe("Wait before a job's first retry (ms), doubled for each next one (BullMQ's exponential backoff)."),
  pollDelayMs: z
    .number()
    .int()
    .positive()
    .max(3_600_000)
    .default(2_000)
    .describe('Wait between two status checks of a posting the biller left pending (ms).'),
  maxPolls: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(90)
    .describe('Status checks before a posting still pending becomes an unknown outcome (resolved by enquiry).'),
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(256)
    .default(8)
    .describe('Jobs one worker runs at once (a settle-payment job posts all its lines at once).'),
  lockDurationMs: z
    .number()
    .int()
    .min(200)
    .default(30_000)
    .describe("A worker's hold on a job without renewal (ms): the job of a killed worker is taken back after it."),
  stalledIntervalMs: z
    .number()
    .int()
    .min(100)
    .default(30_000)
    .describe(
      "How often a worker looks for jobs whose worker died (ms). Give every worker the same value: one worker's check holds off the others' for its own interval.",
    ),
  sweepEveryMs: z
    .number()
    .int()
    .min(0)
    .default(MINUTE_MS)
    .describe('How often the `sweep` schedule runs (ms); 0 leaves it off.'),
  sweepOlderThanMs: z
    .number()
    .int()
    .min(0)
    .default(5 * MINUTE_MS)
    .describe(
      'Work unchanged for this long (ms) counts as stuck and is swept. Longer than a slow biller call, so live work is left alone.',
    ),
  enquiryDelayMs: z
    .number()
    .int()
    .min(0)
    .default(MINUTE_MS)
    .describe(
      'The first status enquiry of an unknown line waits this long (ms). It must be longer than any biller call can stay in flight: a posting still travelling would otherwise be "not found" and refunded, then land.',
    ),
  enquiryMaxDelayMs: z
    .number()
    .int()
    .min(0)
    .default(HOUR_MS)
    .describe('Each next status enquiry waits twice as long as the last, up to this (ms).'),
  enquiryGiveUpMs: z
    .number()
    .int()
    .min(0)
    .default(DAY_MS)
    .describe(
      'A line unknown for longer than this (ms) stops being asked about automatically: reconciliation and an operator decide.',
    ),
  enquiryEveryMs: z
    .number()
    .int()
    .min(0)
    .default(30_000)
    .describe('How often the `status-enquiry` schedule runs (ms); 0 leaves it off.'),
  expireEveryMs: z
    .number()
    .int()
    .min(0)
    .default(MINUTE_MS)
    .describe('How often the `expire` schedule runs (unpaid checkouts past their expiry, ms); 0 leaves it off.'),
  reconcileOrdersEveryMs: z
    .number()
    .int()
    .min(0)
    .default(5 * MINUTE_MS)
    .describe(
      'How often the `reconcile-orders` schedule asks the gateway about unpaid checkouts (ms); 0 leaves it off.',
    ),
  reconcilePattern: z
    .string()
    .default('0 30 0 * * *')
    .describe("The `reconcile` schedule: a cron pattern in India's time zone (00:30 IST daily); `off` leaves it off."),
  remindPattern: z
    .string()
    .default('0 0 9 * * *')
    .describe(
      'The `remind` schedule (due-date reminders, hub/notifications): a cron pattern in IST, 09:00 daily; `off` leaves it off.',
    ),
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
