import { z } from 'zod';
import { lineAtAGlance } from '../operator/payment-detail.js';
import { displayStatus } from '../payments/display-status.js';
import type { Payment } from '../payments/index.js';
import { DEFAULT_RULES, RISK_ACTIONS, RISK_RULE_IDS, type RiskRules, RULE_DESCRIPTIONS } from './risk-rules.js';
import type { PaymentRisk } from './risk-state.js';

/** What operators see of the rules and the flagged payments (JSON; amounts paise; times ISO UTC). */

const instant = z.iso.datetime({ offset: true });
const params = z.record(z.string(), z.number());

export const riskRuleViewSchema = z.object({
  id: z.enum(RISK_RULE_IDS),
  description: z.string(),
  enabled: z.boolean(),
  action: z.enum(RISK_ACTIONS),
  params,
  /** The rule as shipped, so an operator can see (and go back to) the default. */
  defaults: z.object({ enabled: z.boolean(), action: z.enum(RISK_ACTIONS), params }),
});
export const riskRulesViewSchema = z.object({ rules: z.array(riskRuleViewSchema) });

const flagViewSchema = z.object({
  rule: z.string(),
  reason: z.string(),
  stage: z.enum(['checkout', 'capture']),
  action: z.enum(RISK_ACTIONS),
  at: instant,
});
const reviewViewSchema = z.object({
  status: z.enum(['pending', 'released', 'refunded']),
  by: z.object({ sub: z.string(), label: z.string().optional() }).optional(),
  at: instant.optional(),
});
export const paymentRiskViewSchema = z.object({ flags: z.array(flagViewSchema), review: reviewViewSchema.optional() });

export const flaggedPaymentSchema = z.object({
  id: z.string(),
  createdAt: instant,
  status: z.string(),
  displayStatus: z.string(),
  totalMinor: z.number().int(),
  method: z.string().optional(),
  citizenSub: z.string(),
  risk: paymentRiskViewSchema,
  lines: z.array(
    z.object({
      id: z.string(),
      billerId: z.string(),
      consumerMasked: z.string(),
      amountMinor: z.number().int(),
      status: z.string(),
    }),
  ),
});
export const flaggedQueueSchema = z.object({ payments: z.array(flaggedPaymentSchema) });
export const reviewResultSchema = z.object({ payment: flaggedPaymentSchema });

/** Every rule as it applies now, with its description and default. */
export function rulesView(rules: RiskRules): z.infer<typeof riskRulesViewSchema> {
  return {
    rules: RISK_RULE_IDS.map((id) => {
      const rule = rules[id];
      const fallback = DEFAULT_RULES[id];
      return {
        id,
        description: RULE_DESCRIPTIONS[id],
        enabled: rule.enabled,
        action: rule.action,
        params: { ...rule.params },
        defaults: { enabled: fallback.enabled, action: fallback.action, params: { ...fallback.params } },
      };
    }),
  };
}

/**
 * A payment's risk flags and review for an operator (each flag with its reason): also the
 * enricher for the operator's payment detail (`risk` field), empty flags when none fired.
 */
export function riskView(risk: PaymentRisk | undefined): z.infer<typeof paymentRiskViewSchema> {
  return {
    flags: (risk?.flags ?? []).map((flag) => ({
      rule: flag.rule,
      reason: flag.reason,
      stage: flag.stage,
      action: flag.action,
      at: new Date(flag.at).toISOString(),
    })),
    ...(risk?.review
      ? {
          review: {
            status: risk.review.status,
            ...(risk.review.by
              ? { by: { sub: risk.review.by.sub, ...(risk.review.by.label ? { label: risk.review.by.label } : {}) } }
              : {}),
            ...(risk.review.at ? { at: new Date(risk.review.at).toISOString() } : {}),
          },
        }
      : {}),
  };
}

/** One payment of the flagged queue. */
export function flaggedView(payment: Payment): z.infer<typeof flaggedPaymentSchema> {
  return {
    id: payment._id,
    createdAt: new Date(payment.createdAt).toISOString(),
    status: payment.status,
    displayStatus: displayStatus(payment),
    totalMinor: payment.totalMinor,
    ...(payment.gateway?.method ? { method: payment.gateway.method } : {}),
    citizenSub: payment.citizenSub,
    risk: riskView(payment.risk),
    lines: payment.lines.map((line) => lineAtAGlance(line)),
  };
}

/**
 * The operator's payment detail enricher (hub/operator/payment-detail.ts): adds `risk` (flags with
 * their reasons, and the review) to a payment any rule flagged; nothing otherwise.
 */
export async function riskDetail(payment: Payment): Promise<{ risk?: z.infer<typeof paymentRiskViewSchema> }> {
  return payment.risk ? { risk: riskView(payment.risk) } : {};
}
