import { z } from 'zod';
import type { ComplaintType } from './complaint-types.js';

const HOUR = 3_600_000;
const hours = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(fallback);

/**
 * Complaints' variables (hub/config.ts extends the hub's schema with them); all optional.
 * Turnarounds are in hours, calendar time. The defaults and their sources:
 * - Failed transactions (money taken, bill not credited; a refund not received): RBI's harmonised
 *   turnaround time circular, DPSS.CO.PD No.629/02.01.014/2019-20 (20 Sept 2019), which sets T+1
 *   day for a debited account whose transaction did not reach the beneficiary (auto-reversal or
 *   credit), and up to T+5 days for the slowest reversals it lists. We promise T+1 day for
 *   "not credited" (the biller's confirmation or a refund) and 5 days for a refund to reach the bank.
 * - The other complaint types (paid twice, wrong amount, receipt, other): BBPS complaint management
 *   (NPCI's BBPS procedural guidelines give transaction-based complaints a turnaround in working
 *   days, 7 by default here). Operators should check the current NPCI circular and set these.
 * - After an escalation, a fresh turnaround of COMPLAINT_ESCALATED_TAT_HOURS (3 days) for the next level.
 */
export const complaintEnvSchema = z.object({
  COMPLAINT_TAT_NOT_CREDITED_HOURS: hours(24).describe(
    'Promised answer time (hours, calendar time) for money taken but not credited: T+1 day (RBI TAT circular DPSS.CO.PD No.629/02.01.014/2019-20).',
  ),
  COMPLAINT_TAT_REFUND_HOURS: hours(5 * 24).describe(
    'Promised answer time (hours) for a refund not received: up to T+5 days (the same RBI circular).',
  ),
  COMPLAINT_TAT_PAID_TWICE_HOURS: hours(7 * 24).describe(
    'Promised answer time (hours) for a bill paid twice (BBPS complaint turnaround, 7 days by default).',
  ),
  COMPLAINT_TAT_WRONG_AMOUNT_HOURS: hours(7 * 24).describe(
    'Promised answer time (hours) for a wrong amount (BBPS complaint turnaround).',
  ),
  COMPLAINT_TAT_RECEIPT_HOURS: hours(7 * 24).describe(
    'Promised answer time (hours) for a receipt not received (BBPS complaint turnaround).',
  ),
  COMPLAINT_TAT_OTHER_HOURS: hours(7 * 24).describe(
    'Promised answer time (hours) for any other complaint (BBPS complaint turnaround).',
  ),
  COMPLAINT_ESCALATED_TAT_HOURS: hours(3 * 24).describe('The new promised answer time (hours) after each escalation.'),
  COMPLAINT_FOLLOW_UP_EVERY_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(5 * 60_000)
    .describe('How often `complaint-follow-up` re-checks complaints waiting for a biller; 0 switches it off.'),
  COMPLAINT_ESCALATE_EVERY_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(5 * 60_000)
    .describe('How often `complaint-escalate` looks for complaints past their due time; 0 switches it off.'),
  COMPLAINT_ENQUIRY_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(30_000)
    .default(5_000)
    .describe('How long a raise waits for the status enquiry of an unknown line before answering "waiting".'),
});
export type ComplaintEnv = z.infer<typeof complaintEnvSchema>;

/** Complaints' options, durations in ms. */
export interface ComplaintOptions {
  /** The promised resolution time after a raise, by type. */
  turnaroundMs: Record<ComplaintType, number>;
  /** The new due time after each escalation. */
  escalatedTurnaroundMs: number;
  followUpEveryMs: number;
  escalateEveryMs: number;
  enquiryTimeoutMs: number;
}

/** The options from the hub's config (defaults for every variable left unset). */
export function complaintOptionsOf(config: Partial<ComplaintEnv>): ComplaintOptions {
  const env = complaintEnvSchema.parse(config);
  return {
    turnaroundMs: {
      amount_deducted_not_credited: env.COMPLAINT_TAT_NOT_CREDITED_HOURS * HOUR,
      refund_not_received: env.COMPLAINT_TAT_REFUND_HOURS * HOUR,
      paid_twice: env.COMPLAINT_TAT_PAID_TWICE_HOURS * HOUR,
      wrong_amount: env.COMPLAINT_TAT_WRONG_AMOUNT_HOURS * HOUR,
      receipt_not_received: env.COMPLAINT_TAT_RECEIPT_HOURS * HOUR,
      other: env.COMPLAINT_TAT_OTHER_HOURS * HOUR,
    },
    escalatedTurnaroundMs: env.COMPLAINT_ESCALATED_TAT_HOURS * HOUR,
    followUpEveryMs: env.COMPLAINT_FOLLOW_UP_EVERY_MS,
    escalateEveryMs: env.COMPLAINT_ESCALATE_EVERY_MS,
    enquiryTimeoutMs: env.COMPLAINT_ENQUIRY_TIMEOUT_MS,
  };
}

export const DEFAULT_COMPLAINT_OPTIONS: ComplaintOptions = complaintOptionsOf({});
