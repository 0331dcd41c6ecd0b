export { RiskCheck } from './risk-check.js';
export { REFUSED_AFTER_REVIEW, type ReviewDecision, RiskReviews } from './risk-review.js';
export { RiskRuleStore } from './risk-rule-store.js';
export {
  applyChange,
  DEFAULT_RULES,
  RISK_ACTIONS,
  RISK_RULE_IDS,
  type RiskAction,
  type RiskRule,
  type RiskRuleId,
  type RiskRules,
  RULE_DESCRIPTIONS,
  type RuleChange,
  ruleChangeSchema,
} from './risk-rules.js';
export {
  HOLDING_REVIEW_STATUSES,
  type PaymentRisk,
  type RiskFlag,
  type RiskReview,
  settlementWaitsForReview,
} from './risk-state.js';
export { flaggedView, riskDetail, riskView, rulesView } from './risk-views.js';
