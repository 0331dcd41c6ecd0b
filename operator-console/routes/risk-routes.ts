import type Router from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import { PAYMENT_ID_PATTERN as PAYMENT_ID } from '../../hub/payments/ids.js';
import { field } from '../../hub/portal/http/forms.js';
import type { flaggedQueueSchema, riskRulesViewSchema } from '../../hub/risk/risk-views.js';
import { ApiProblem } from '../api/operator-api.js';
import type { OperatorConsoleDeps } from '../deps.js';
import { operatorOf, operatorOnly } from '../http/operator.js';
import type { FieldError } from '../http/pages.js';
import { paymentNotFound } from '../http/pages.js';

type RulesJson = z.infer<typeof riskRulesViewSchema>;
type RuleJson = RulesJson['rules'][number];
type QueueJson = z.infer<typeof flaggedQueueSchema>;

const RULE_ID = /^[a-z_]{1,40}$/;
/** What `?done=` may name after an action (an audit action name, never free text). */
const DONE = new Set(['risk_rule.update', 'risk_review.release', 'risk_review.refund']);
const MAX_REASON = 1000;
/** A payment whose review an operator can still decide (the hub's RiskReviews: before or after its capture). */
const waiting = (payment: QueueJson['payments'][number]) =>
  payment.risk.review?.status === 'pending' && ['created', 'awaiting_payment', 'captured'].includes(payment.status);

/** Each parameter in words, with whether it takes a decimal (the multiplier) or a whole number. */
export const PARAM_LABELS: Record<string, { label: string; hint: string; decimal?: boolean }> = {
  maxCheckouts: { label: 'Most checkouts allowed', hint: 'One more than this in the window fires the rule' },
  maxFailures: { label: 'Most failed payments allowed', hint: 'One more than this in the window fires the rule' },
  maxConsumers: { label: 'Most different consumers allowed', hint: 'One more than this in the window fires the rule' },
  windowMinutes: { label: 'Window, in minutes', hint: 'How far back to count (at most 43,200: 30 days)' },
  newAccountMinutes: { label: 'An account is new for, in minutes', hint: 'Since the citizen’s first payment' },
  multiplier: { label: 'Times the median', hint: 'Above 1; for example 5 or 2.5', decimal: true },
  minHistory: { label: 'Fewest settled payments needed', hint: 'Below this the consumer has no history to compare' },
};

/** The reason every change and decision needs (the audit log keeps it). */
function reasonError(id: string, reason: string): FieldError[] {
  if (!reason) return [{ field: id, text: 'Enter the reason (it is kept in the audit log)' }];
  if (reason.length > MAX_REASON) return [{ field: id, text: `The reason must be at most ${MAX_REASON} characters` }];
  return [];
}

/** A rule's form as typed: the change to send, or the errors to show next to its fields. */
function readRuleForm(ctx: Context, rule: RuleJson) {
  const errors: FieldError[] = [];
  const values: Record<string, string> = {};
  const params: Record<string, number> = {};
  for (const name of Object.keys(rule.params)) {
    const raw = field(ctx, name).trim();
    values[name] = raw;
    const decimal = PARAM_LABELS[name]?.decimal;
    if (!(decimal ? /^\d{1,6}(\.\d{1,2})?$/ : /^\d{1,6}$/).test(raw)) {
      const label = PARAM_LABELS[name]?.label ?? name;
      errors.push({
        field: `${rule.id}-${name}`,
        text: `${label}: enter ${decimal ? 'a number, like 5 or 2.5' : 'a whole number, like 10'}`,
      });
    } else {
      params[name] = Number(raw);
    }
  }
  const enabled = field(ctx, 'enabled');
  const action = field(ctx, 'action');
  values.enabled = enabled;
  values.action = action;
  if (enabled !== 'yes' && enabled !== 'no')
    errors.push({ field: `${rule.id}-enabled`, text: 'Choose whether the rule is on' });
  if (action !== 'flag' && action !== 'review') {
    errors.push({ field: `${rule.id}-action`, text: 'Choose what the rule does when it fires' });
  }
  const reason = field(ctx, 'reason').trim();
  values.reason = reason;
  errors.push(...reasonError(`${rule.id}-reason`, reason));
  return { errors, values, change: { enabled: enabled === 'yes', action, params }, reason };
}

/**
 * Risk (issue 12, fraud and abuse signals): the rules with a form to tune each (a reason
 * required; the hub validates the limits and audits the change with the previous values), and
 * the flagged payments, reviews pending first, each flag with its reason, with the decision form
 * (release or refund, a reason) on each payment under review. A refused change or decision shows
 * the hub's words.
 */
export function riskRoutes(router: Router, { pages, api }: OperatorConsoleDeps): void {
  const only = operatorOnly(pages);

  const show = async (ctx: Context, extra: Record<string, unknown> = {}, status = 200) => {
    const { session } = operatorOf(ctx);
    const [rules, queue] = await Promise.all([
      api.get<RulesJson>(session, '/operator/risk-rules'),
      api.get<QueueJson>(session, '/operator/queues/flagged'),
    ]);
    const done = typeof ctx.query.done === 'string' && DONE.has(ctx.query.done) ? ctx.query.done : undefined;
    await pages.render(
      ctx,
      'risk',
      {
        title: 'Risk',
        rules: rules.rules,
        queue: queue.payments,
        pending: queue.payments.filter((p) => waiting(p)).length,
        waiting: Object.fromEntries(queue.payments.map((p) => [p.id, waiting(p)])),
        params: PARAM_LABELS,
        done,
        forms: {},
        ...extra,
      },
      status,
    );
  };

  router.get('/risk', only, (ctx) => show(ctx));

  router.post('/risk/rules/:ruleId', only, async (ctx) => {
    const { session } = operatorOf(ctx);
    const id = String(ctx.params.ruleId);
    const rules = RULE_ID.test(id) ? await api.get<RulesJson>(session, '/operator/risk-rules') : undefined;
    const rule = rules?.rules.find((r) => r.id === id);
    if (!rule) {
      return pages.render(
        ctx,
        'error',
        { title: 'Page not found', text: 'No rule has this name.', kind: 'not_found' },
        404,
      );
    }
    const form = readRuleForm(ctx, rule);
    const keep = { forms: { [id]: form.values } };
    if (form.errors.length) return show(ctx, { ...keep, errors: form.errors }, 400);
    try {
      await api.put(session, '/operator/risk-rules', { rules: { [id]: form.change }, reason: form.reason });
    } catch (error) {
      if (!(error instanceof ApiProblem) || ![400, 409].includes(error.status)) throw error;
      const text = error.detail || 'The hub refused this change';
      return show(ctx, { ...keep, errors: [{ field: `${id}-${Object.keys(rule.params)[0]}`, text }] }, error.status);
    }
    ctx.status = 303;
    ctx.redirect(`/risk?done=risk_rule.update#rule-${id}`);
  });

  router.post('/risk/payments/:paymentId/review', only, async (ctx) => {
    const { session } = operatorOf(ctx);
    const id = String(ctx.params.paymentId);
    if (!PAYMENT_ID.test(id)) {
      return paymentNotFound(ctx, pages);
    }
    const decision = field(ctx, 'decision');
    const reason = field(ctx, 'reason').trim();
    const errors = [
      ...(decision === 'release' || decision === 'refund'
        ? []
        : [{ field: `review-${id}-decision`, text: 'Choose to release the payment or to refund it' }]),
      ...reasonError(`review-${id}-reason`, reason),
    ];
    const keep = { forms: { [id]: { decision, reason } } };
    if (errors.length) return show(ctx, { ...keep, errors }, 400);
    try {
      await api.post(session, `/operator/payments/${id}/review`, { decision, reason });
    } catch (error) {
      if (!(error instanceof ApiProblem) || ![400, 409].includes(error.status)) throw error;
      const text = error.detail || 'The hub refused this decision';
      return show(ctx, { ...keep, errors: [{ field: `review-${id}-decision`, text }] }, error.status);
    }
    ctx.status = 303;
    ctx.redirect(`/risk?done=risk_review.${decision}`);
  });
}
