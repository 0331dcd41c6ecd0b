import { z } from 'zod';

/**
 * The fraud and abuse rules an operator can tune (collection `risk_rules`; the defaults below
 * apply to any rule never changed). Each rule has an `action`: `flag` lets the payment settle and
 * puts it in the flagged queue for a look afterwards; `review` keeps a captured payment from
 * starting settlement until an operator releases or refunds it. Windows are in minutes.
 */
export const RISK_RULE_IDS = [
  'checkout_velocity',
  'citizen_failures',
  'instrument_failures',
  'new_account_consumers',
  'amount_above_history',
] as const;
export type RiskRuleId = (typeof RISK_RULE_IDS)[number];

export const RISK_ACTIONS = ['flag', 'review'] as const;
export type RiskAction = (typeof RISK_ACTIONS)[number];

/** A count, a window or an age: a positive whole number, bounded so a typo cannot switch a rule off quietly. */
const count = (max: number) => z.number().int().positive().max(max);
/** Windows in minutes: at most 30 days. */
const minutes = z.number().int().positive().max(43_200);

/** Each rule's parameters and their limits (a PUT is validated against these). */
export const RULE_PARAMS = {
  checkout_velocity: z.strictObject({ maxCheckouts: count(1000), windowMinutes: minutes }),
  citizen_failures: z.strictObject({ maxFailures: count(1000), windowMinutes: minutes }),
  instrument_failures: z.strictObject({ maxFailures: count(1000), windowMinutes: minutes }),
  new_account_consumers: z.strictObject({
    maxConsumers: count(1000),
    windowMinutes: minutes,
    newAccountMinutes: minutes,
  }),
  amount_above_history: z.strictObject({
    // A multiplier of the median: above 1 (1 would flag any amount above the usual), at most 1000.
    multiplier: z.number().gt(1).max(1000),
    minHistory: count(100),
  }),
} as const satisfies Record<RiskRuleId, z.ZodType>;

export type RuleParams = { [K in RiskRuleId]: z.infer<(typeof RULE_PARAMS)[K]> };

/** One rule as it applies now: whether it runs, its parameters and what a hit does. */
export interface RiskRule<K extends RiskRuleId = RiskRuleId> {
  id: K;
  enabled: boolean;
  action: RiskAction;
  params: RuleParams[K];
}

export type RiskRules = { [K in RiskRuleId]: RiskRule<K> };

/** What each rule looks for, in words, for the operator's page. */
export const RULE_DESCRIPTIONS: Record<RiskRuleId, string> = {
  checkout_velocity: 'Many checkouts from one citizen in a short time.',
  citizen_failures: 'Many failed payments from one citizen in a short time.',
  instrument_failures: 'Many failed payments from one card (by its fingerprint) in a short time, from any citizen.',
  new_account_consumers: 'A new account paying many distinct consumers.',
  amount_above_history: "An amount far above the consumer's history of settled payments.",
};

/** The defaults, each with why. */
export const DEFAULT_RULES: RiskRules = {
  // One checkout pays several bills at once, so a household rarely needs more than a few an hour;
  // ten leaves room for retries after a declined card. A flag only: being busy is not fraud.
  checkout_velocity: {
    id: 'checkout_velocity',
    enabled: true,
    action: 'flag',
    params: { maxCheckouts: 10, windowMinutes: 60 },
  },
  // A citizen's own declines are mostly honest (a wrong UPI PIN, a low balance), so more than five
  // in an hour is only flagged; the card rule below is the sharper signal of card testing.
  citizen_failures: {
    id: 'citizen_failures',
    enabled: true,
    action: 'flag',
    params: { maxFailures: 5, windowMinutes: 60 },
  },
  // Card testing: one card declined again and again (across accounts) then one that goes through.
  // More than three declines in an hour before a capture holds the capture for a person.
  instrument_failures: {
    id: 'instrument_failures',
    enabled: true,
    action: 'review',
    params: { maxFailures: 3, windowMinutes: 60 },
  },
  // A mule account pays strangers' bills with stolen money: an account first seen in the last week
  // paying more than five different consumers in a day. Flagged: families pay for relatives too.
  new_account_consumers: {
    id: 'new_account_consumers',
    enabled: true,
    action: 'flag',
    params: { maxConsumers: 5, windowMinutes: 1440, newAccountMinutes: 10_080 },
  },
  // A bill five times the consumer's usual (median of at least three settled payments) is more
  // often a typo or a laundering attempt than a real bill: a person looks before the money moves.
  amount_above_history: {
    id: 'amount_above_history',
    enabled: true,
    action: 'review',
    params: { multiplier: 5, minHistory: 3 },
  },
};

/** A change to one rule (a PUT): any of its fields; the parameters given replace those named. */
export const ruleChangeSchema = z.strictObject({
  enabled: z.boolean().optional(),
  action: z.enum(RISK_ACTIONS).optional(),
  params: z.record(z.string(), z.number()).optional(),
});
export type RuleChange = z.infer<typeof ruleChangeSchema>;

/**
 * A rule with a change applied, its parameters validated against the rule's limits. Throws the
 * zod error (the route turns it into a 400 naming the field) on a bad parameter or an unknown one.
 */
export function applyChange<K extends RiskRuleId>(rule: RiskRule<K>, change: RuleChange): RiskRule<K> {
  const params = RULE_PARAMS[rule.id].parse({ ...rule.params, ...(change.params ?? {}) }) as RuleParams[K];
  return {
    id: rule.id,
    enabled: change.enabled ?? rule.enabled,
    action: change.action ?? rule.action,
    params,
  };
}
