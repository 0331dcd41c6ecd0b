import { z } from 'zod';
import type { ReminderOptions } from './reminders.js';

/**
 * The notification variables (hub/config.ts extends the hub's schema with them); every one is
 * optional. Where links lead is the portal's public URL (PORTAL_PUBLIC_URL, else HUB_PUBLIC_URL).
 */
export const notificationEnvSchema = z.object({
  NOTIFY_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(20)
    .default(6)
    .describe('Tries per message before its record is marked failed; each retry waits twice as long as the last.'),
  NOTIFY_BACKOFF_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(30_000)
    .describe("The wait before a message's first retry, in milliseconds (BullMQ exponential backoff)."),
  NOTIFY_SEND_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(120_000)
    .default(20_000)
    .describe(
      'How long one send may take before it counts as failed (the transports have their own, shorter, timeouts).',
    ),
  REMINDER_DAYS_BEFORE: z
    .string()
    .default('3,1')
    .transform((list) =>
      list.trim() === 'off'
        ? []
        : list
            .split(',')
            .map((day) => day.trim())
            .filter(Boolean),
    )
    .pipe(z.array(z.coerce.number<string>().int().min(0).max(60)))
    .describe(
      "Days before a bill's due date its reminder goes out (the `remind` job, REMIND_PATTERN), comma-separated; `off` sends none.",
    ),
  REMINDER_OVERDUE_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60)
    .default(3)
    .describe('An unpaid bill overdue by 1 to this many days gets one overdue notice; 0 sends none.'),
});
export type NotificationEnv = z.infer<typeof notificationEnvSchema>;

/** How messages are retried and timed out; see notificationEnvSchema for each one's meaning. */
export interface NotificationOptions {
  attempts: number;
  backoffMs: number;
  sendTimeoutMs: number;
}

/** The options from the hub's config. */
export function notificationOptionsOf(config: NotificationEnv): NotificationOptions {
  return {
    attempts: config.NOTIFY_ATTEMPTS,
    backoffMs: config.NOTIFY_BACKOFF_MS,
    sendTimeoutMs: config.NOTIFY_SEND_TIMEOUT_MS,
  };
}

/** The defaults, for tests and scripts that build the service by hand. */
export const DEFAULT_NOTIFICATION_OPTIONS: NotificationOptions = notificationOptionsOf(notificationEnvSchema.parse({}));

/** Where a message's links lead: the portal's public URL, else the hub's, else the hub on localhost. */
export function notificationPublicUrl(config: {
  PORTAL_PUBLIC_URL?: string;
  HUB_PUBLIC_URL?: string;
  HUB_PORT: number;
}): string {
  return config.PORTAL_PUBLIC_URL ?? config.HUB_PUBLIC_URL ?? `http://localhost:${config.HUB_PORT}`;
}

/** The reminder days from the hub's config. */
export function reminderOptionsOf(config: NotificationEnv): ReminderOptions {
  return { daysBefore: config.REMINDER_DAYS_BEFORE, overdueWithinDays: config.REMINDER_OVERDUE_DAYS };
}
