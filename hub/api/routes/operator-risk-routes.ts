import { z } from 'zod';
import { ValidationError } from '../../../infra/errors.js';
import type { Connection } from '../../../infra/mongo.js';
import type { StartSettlement } from '../../checkout/payment-capture.js';
import { OperatorAudit } from '../../operator/audit-log.js';
import { PAYMENT_ID_PATTERN } from '../../payments/ids.js';
import type { PaymentStore } from '../../payments/index.js';
import {
  applyChange,
  flaggedView,
  RISK_RULE_IDS,
  RiskReviews,
  type RiskRule,
  RiskRuleStore,
  ruleChangeSchema,
  rulesView,
} from '../../risk/index.js';
import { flaggedQueueSchema, reviewResultSchema, riskRulesViewSchema } from '../../risk/risk-views.js';
import type { Caller } from '../access-token.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';

export interface OperatorRiskRouteDeps {
  mongo: Connection;
  payments: PaymentStore;
  /** How a released payment reaches the settlement jobs (and a refused one's lines their refunds). */
  startSettlement: StartSettlement;
}

/** The operator's own words for an action: required, 1..1000 characters once trimmed. */
const reason = z.string().trim().min(1).max(1000);
const rulesChangeBody = z.strictObject({
  rules: z.partialRecord(z.enum(RISK_RULE_IDS), ruleChangeSchema),
  reason,
});
const reviewBody = z.strictObject({ decision: z.enum(['release', 'refund']), reason });
const paymentParams = z.object({ id: z.string().regex(PAYMENT_ID_PATTERN, 'must be a payment id') });

const actorOf = (caller: Caller) => ({ sub: caller.sub, ...(caller.label ? { label: caller.label } : {}) });
const describe = (rule: RiskRule) =>
  `${rule.enabled ? 'enabled' : 'disabled'}, ${rule.action}, ${JSON.stringify(rule.params)}`;

/** Fraud and abuse signals for operators: tune the rules, see the flagged queue, decide reviews. */
export function operatorRiskRoutes({ mongo, payments, startSettlement }: OperatorRiskRouteDeps): RouteSpec[] {
  const rules = new RiskRuleStore(mongo);
  const audit = new OperatorAudit(mongo);
  const reviews = new RiskReviews(payments, startSettlement, audit);
  return [
    defineRoute({
      method: 'get',
      path: '/operator/risk-rules',
      operationId: 'listRiskRules',
      summary: 'The fraud and abuse rules as they apply now, each with its default',
      scopes: ['ops:read'],
      callers: ['operator'],
      response: riskRulesViewSchema,
      handler: async () => rulesView(await rules.current()),
    }),
    defineRoute({
      method: 'put',
      path: '/operator/risk-rules',
      operationId: 'updateRiskRules',
      summary:
        'Tune rules: per rule id, enabled, action (flag | review) and parameters (positive whole numbers, windows in minutes; multiplier above 1); audited with the reason',
      scopes: ['ops:write'],
      callers: ['operator'],
      body: rulesChangeBody,
      response: riskRulesViewSchema,
      problems: { 400: 'invalid_request: a parameter out of its limits or unknown to the rule; nothing is changed' },
      handler: async (_ctx, { body: input, caller }) => {
        const actor = actorOf(caller);
        // The stored rules, not this process's copy: another hub process may have saved a change.
        const current = await rules.current();
        // Every change is checked before any is stored: a bad one changes nothing.
        const changed: { before: RiskRule; after: RiskRule }[] = [];
        for (const [id, change] of Object.entries(input.rules)) {
          const before = current[id as keyof typeof current] as RiskRule;
          try {
            changed.push({ before, after: applyChange(before, change ?? {}) });
          } catch (error) {
            const problem = error instanceof z.ZodError ? z.prettifyError(error) : String(error);
            await audit.record({
              actor,
              action: 'risk_rule.update',
              subject: { kind: 'risk_rule', id },
              reason: input.reason,
              outcome: 'refused',
              detail: `refused: ${problem}`.slice(0, 2000),
            });
            throw new ValidationError(`rules.${id}: ${problem}`, { fields: [{ field: `rules.${id}`, problem }] });
          }
        }
        for (const { before, after } of changed) {
          await rules.save(after, actor.sub);
          await audit.record({
            actor,
            action: 'risk_rule.update',
            subject: { kind: 'risk_rule', id: after.id },
            reason: input.reason,
            outcome: 'done',
            detail: `was ${describe(before)}; now ${describe(after)}`,
          });
        }
        return rulesView(await rules.current());
      },
    }),
    defineRoute({
      method: 'get',
      path: '/operator/queues/flagged',
      operationId: 'listFlaggedPayments',
      summary: 'Payments a risk rule flagged, with each reason: those waiting for a review first, then the rest',
      scopes: ['ops:read'],
      callers: ['operator'],
      response: flaggedQueueSchema,
      handler: async () => ({ payments: (await reviews.flagged()).map(flaggedView) }),
    }),
    defineRoute({
      method: 'post',
      path: '/operator/payments/:id/review',
      operationId: 'decideRiskReview',
      summary:
        'Decide a payment under risk review: release (settlement starts) or refund (every line refunded); audited with the reason',
      scopes: ['ops:write'],
      callers: ['operator'],
      body: reviewBody,
      response: reviewResultSchema,
      problems: {
        404: 'not_found: no such payment',
        409: 'review_not_pending (paymentStatus, reviewStatus): the payment is not waiting for this decision any more',
      },
      params: paymentParams,
      badParams: 400,
      handler: async (_ctx, { params, body: input, caller }) => {
        const payment = await reviews.decide(params.id, input.decision, input.reason, actorOf(caller));
        return { payment: flaggedView(payment) };
      },
    }),
  ];
}
