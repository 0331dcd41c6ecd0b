import { z } from 'zod';

const HOUR_MS = 3_600_000;
/** RBI's e-mandate rules: the pre-debit notification goes out at least 24 hours before the debit. */
export const MIN_PRE_DEBIT_NOTICE_MS = 24 * HOUR_MS;

/**
 * Autopay's variables (hub/config.ts extends the hub's schema with them); every one is optional.
 * A bad value stops the process with a message naming the variable.
 */
export const autopayEnvSchema = z.object({
  AUTOPAY_SCAN_EVERY_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(HOUR_MS)
    .describe('How often the `autopay-scan` job looks for new bills of accounts with autopay on; 0 switches it off.'),
  AUTOPAY_CHARGE_EVERY_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(5 * 60_000)
    .describe(
      'How often the `autopay-charge` job makes the debits that are due and resolves unknown ones; 0 switches it off.',
    ),
  AUTOPAY_PRE_DEBIT_NOTICE_MS: z.coerce
    .number()
    .int()
    .min(MIN_PRE_DEBIT_NOTICE_MS, 'must be at least 86400000 (24 hours: RBI e-mandate pre-debit notice)')
    .default(MIN_PRE_DEBIT_NOTICE_MS)
    .describe('Time between the pre-debit notice and the debit; at least 24 hours (RBI e-mandate rule).'),
  AUTOPAY_MAX_LIMIT_MINOR: z.coerce
    .number()
    .int()
    .positive()
    .max(100_000_000_00)
    .default(1_500_000)
    .describe(
      "The highest limit a citizen may set, in paise: ₹15,000 by default (RBI's e-mandate limit without extra authentication).",
    ),
  AUTOPAY_MANDATE_VALIDITY_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3_650)
    .default(365)
    .describe('How long a new mandate is valid, in days.'),
  AUTOPAY_RETURN_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe("Where the gateway's approval page sends the citizen back; `<portal URL>/autopay/return` by default."),
  AUTOPAY_ENQUIRY_DELAY_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(60_000)
    .describe('How long after an ambiguous debit answer the gateway is first asked what became of it.'),
  AUTOPAY_ENQUIRY_GIVE_UP_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .default(24 * HOUR_MS)
    .describe('After this long unknown, a debit waits for reconciliation and an operator (never refunded on a guess).'),
});
export type AutopayEnv = z.infer<typeof autopayEnvSchema>;

/** Autopay's options; see autopayEnvSchema for each one's meaning. Durations in ms, money in paise. */
export interface AutopayOptions {
  scanEveryMs: number;
  chargeEveryMs: number;
  preDebitNoticeMs: number;
  maxLimitMinor: number;
  mandateValidityDays: number;
  returnUrl?: string;
  enquiryDelayMs: number;
  enquiryGiveUpMs: number;
  /** A debit left `charging` this long (a crashed run) is treated as unknown and resolved. */
  staleChargingMs: number;
}

/** The options from the hub's config. */
export function autopayOptionsOf(config: AutopayEnv): AutopayOptions {
  return {
    scanEveryMs: config.AUTOPAY_SCAN_EVERY_MS,
    chargeEveryMs: config.AUTOPAY_CHARGE_EVERY_MS,
    preDebitNoticeMs: config.AUTOPAY_PRE_DEBIT_NOTICE_MS,
    maxLimitMinor: config.AUTOPAY_MAX_LIMIT_MINOR,
    mandateValidityDays: config.AUTOPAY_MANDATE_VALIDITY_DAYS,
    ...(config.AUTOPAY_RETURN_URL ? { returnUrl: config.AUTOPAY_RETURN_URL } : {}),
    enquiryDelayMs: config.AUTOPAY_ENQUIRY_DELAY_MS,
    enquiryGiveUpMs: config.AUTOPAY_ENQUIRY_GIVE_UP_MS,
    staleChargingMs: 10 * 60_000,
  };
}

/** The defaults, for tests and scripts that build autopay by hand. */
export const DEFAULT_AUTOPAY_OPTIONS: AutopayOptions = autopayOptionsOf(autopayEnvSchema.parse({}));
