import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperatorAudit } from '../../hub/operator/audit-log.js';
import { freshConsumers, payableToday } from '../hub-api/fresh-consumers.js';
import { type ApiInit, callHubApi, startTestHub, type TestHub } from '../hub-api/test-hub.js';
import { payAtHostedCheckout } from '../support/hosted-checkout.js';
import { startTokenIssuer, type TokenIssuer } from './signed-tokens.js';

interface Bill {
  billNumber: string;
  amountDueMinor: number;
}
interface RuleView {
  id: string;
  enabled: boolean;
  action: string;
  params: Record<string, number>;
  defaults: { params: Record<string, number> };
}
interface Flagged {
  id: string;
  status: string;
  risk: { flags: { rule: string; reason: string; stage: string }[]; review?: { status: string } };
}

/**
 * The operator's risk API over HTTP against a test hub and the sandboxes: tuning the rules
 * (validated, audited with the previous values), a checkout the tuned rule holds for review, the
 * citizen's payment saying it is being checked, the flagged queue, and the release decision.
 */
describe('operators tune risk rules and decide the payments they hold', () => {
  let tokens: TokenIssuer;
  let hub: TestHub;
  let operator: string;
  let citizen: string;
  const citizenSub = `citizen-${randomUUID()}`;
  const consumers = freshConsumers();

  const call = (path: string, token: string | undefined, init: ApiInit = {}) => callHubApi(hub, path, token, init);
  const json = async <T>(res: Response) => (await res.json()) as T;
  const putRules = (body: unknown, token = operator) =>
    call('/operator/risk-rules', token, { method: 'PUT', body: JSON.stringify(body) });
  const checkout = async () => {
    const { electricity } = consumers();
    const bill = (
      await json<{ bill: Bill }>(
        await call(`/billers/state-electricity/bill?consumerNumber=${electricity.consumerNumber}`, citizen),
      )
    ).bill;
    const lines = [
      {
        billerId: 'state-electricity',
        consumer: electricity,
        billNumber: bill.billNumber,
        amountMinor: payableToday(bill as never),
      },
    ];
    const res = await call('/checkouts', citizen, {
      method: 'POST',
      body: JSON.stringify({ lines }),
      key: randomUUID(),
    });
    expect(res.status).toBe(201);
    return json<{ payment: { id: string }; checkoutUrl: string }>(res);
  };
  const paymentOf = async (id: string) =>
    json<{ status: string; displayStatus: string; riskReview?: string; timeline: { event: string }[] }>(
      await call(`/payments/${id}`, citizen),
    );

  beforeAll(async () => {
    tokens = await startTokenIssuer();
    hub = await startTestHub(tokens.issuer, tokens.resource, { IDP_JWKS_URL: tokens.jwksUrl });
    operator = await tokens.operator(`op-${randomUUID()}`);
    citizen = await tokens.citizen(citizenSub);
  });
  afterAll(async () => {
    await hub?.close();
    await tokens?.close();
  });

  it("a citizen's token is refused on the operator's risk routes", async () => {
    for (const [path, method] of [
      ['/operator/risk-rules', 'GET'],
      ['/operator/queues/flagged', 'GET'],
    ] as const) {
      const res = await call(path, citizen, { method });
      expect(res.status).toBe(403);
      expect(await json(res)).toMatchObject({ code: 'wrong_token_kind' });
    }
  });

  it('tuning refuses a parameter out of its limits, changes nothing, and audits the refusal', async () => {
    const before = await json<{ rules: RuleView[] }>(await call('/operator/risk-rules', operator));
    for (const params of [{ maxCheckouts: 0 }, { maxCheckouts: 2.5 }, { windowMinutes: -5 }, { surprise: 3 }]) {
      const res = await putRules({ rules: { checkout_velocity: { params } }, reason: 'tightening' });
      expect(res.status).toBe(400);
      expect(await json(res)).toMatchObject({
        code: 'invalid_request',
        detail: expect.stringContaining('rules.checkout_velocity'),
      });
    }
    const multiplier = await putRules({ rules: { amount_above_history: { params: { multiplier: 1 } } }, reason: 'x' });
    expect(multiplier.status).toBe(400);
    // No reason, no change.
    expect((await putRules({ rules: { checkout_velocity: { enabled: false } }, reason: '  ' })).status).toBe(400);
    expect(await json(await call('/operator/risk-rules', operator))).toEqual(before);
    const refused = await new OperatorAudit(hub.service.mongo).list({ subjectId: 'checkout_velocity' });
    expect(refused.length).toBeGreaterThanOrEqual(4);
    expect(refused.every((e) => e.outcome === 'refused' && e.action === 'risk_rule.update')).toBe(true);
  });

  it('a tuned review rule holds a paid checkout; the citizen sees it being checked; release starts settlement', async () => {
    const res = await putRules({
      rules: { checkout_velocity: { action: 'review', params: { maxCheckouts: 1 } } },
      reason: 'card testing wave reported by the gateway',
    });
    expect(res.status).toBe(200);
    const rule = (await json<{ rules: RuleView[] }>(res)).rules.find((r) => r.id === 'checkout_velocity');
    expect(rule).toMatchObject({ action: 'review', params: { maxCheckouts: 1, windowMinutes: 60 } });
    const [entry] = await new OperatorAudit(hub.service.mongo).list({ subjectId: 'checkout_velocity', limit: 1 });
    expect(entry).toMatchObject({
      outcome: 'done',
      reason: 'card testing wave reported by the gateway',
      actor: { label: 'Ops One' },
      detail:
        'was enabled, flag, {"maxCheckouts":10,"windowMinutes":60}; now enabled, review, {"maxCheckouts":1,"windowMinutes":60}',
    });

    await checkout();
    const { payment, checkoutUrl } = await checkout();
    const paid = await payAtHostedCheckout(checkoutUrl);
    expect(paid.status).toBe(303);
    let view = await paymentOf(payment.id);
    for (let i = 0; i < 100 && view.status !== 'captured'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      view = await paymentOf(payment.id);
    }
    // Not blocked silently: the citizen's payment says it is being checked.
    expect(view).toMatchObject({ status: 'captured', displayStatus: 'under_review', riskReview: 'pending' });
    expect(hub.settlementStarts).not.toContain(payment.id);
    // The rule and its reason are for operators only.
    expect(view.timeline.map((e) => e.event)).not.toContain('risk.flagged');

    const queue = await json<{ payments: Flagged[] }>(await call('/operator/queues/flagged', operator));
    expect(queue.payments[0]).toMatchObject({ id: payment.id, risk: { review: { status: 'pending' } } });
    expect(queue.payments[0]?.risk.flags[0]).toMatchObject({
      rule: 'checkout_velocity',
      stage: 'checkout',
      reason: '2 checkouts by this citizen in the last 60 minutes (the limit is 1).',
    });

    // The payment's detail carries its flags and review for the operator's page.
    const detail = await json<{ risk?: Flagged['risk'] }>(await call(`/operator/payments/${payment.id}`, operator));
    expect(detail.risk).toMatchObject({ review: { status: 'pending' }, flags: [{ rule: 'checkout_velocity' }] });

    const decided = await call(`/operator/payments/${payment.id}/review`, operator, {
      method: 'POST',
      body: JSON.stringify({ decision: 'release', reason: 'the citizen confirmed by phone' }),
    });
    expect(decided.status).toBe(200);
    expect(await json(decided)).toMatchObject({
      payment: { status: 'settling', risk: { review: { status: 'released' } } },
    });
    expect(hub.settlementStarts).toContain(payment.id);
    expect((await paymentOf(payment.id)).riskReview).toBeUndefined();

    const again = await call(`/operator/payments/${payment.id}/review`, operator, {
      method: 'POST',
      body: JSON.stringify({ decision: 'refund', reason: 'changed my mind' }),
    });
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ code: 'review_not_pending', reviewStatus: 'released' });
    const audit = await new OperatorAudit(hub.service.mongo).list({ paymentId: payment.id });
    expect(audit.map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['risk_review.refund', 'refused', 'changed my mind'],
      ['risk_review.release', 'done', 'the citizen confirmed by phone'],
    ]);
  });
  it("shows and changes the rules as stored, not this process's copy of them (another hub process saved a change)", async () => {
    const rulesNow = async () =>
      (await json<{ rules: RuleView[] }>(await call('/operator/risk-rules', operator))).rules;
    const failures = async () => (await rulesNow()).find((r) => r.id === 'citizen_failures');
    // Read once: this process now keeps a copy (RULES_CACHE_MS).
    expect((await failures())?.params.maxFailures).toBe(5);
    // Another hub process's PUT, straight to the collection as that process's save would write it.
    await hub.service.mongo.collection('risk_rules').updateOne(
      { _id: 'citizen_failures' as never },
      {
        $set: { enabled: true, action: 'flag', params: { maxFailures: 4, windowMinutes: 60 }, updatedAt: new Date() },
      },
      { upsert: true },
    );
    expect((await failures())?.params.maxFailures).toBe(4);
    const res = await putRules({
      rules: { citizen_failures: { params: { windowMinutes: 30 } } },
      reason: 'shorter window',
    });
    expect(res.status).toBe(200);
    // Merged onto the stored rule: the other process's maxFailures stays.
    expect((await json<{ rules: RuleView[] }>(res)).rules.find((r) => r.id === 'citizen_failures')?.params).toEqual({
      maxFailures: 4,
      windowMinutes: 30,
    });
    const [entry] = await new OperatorAudit(hub.service.mongo).list({ subjectId: 'citizen_failures', limit: 1 });
    expect(entry?.detail).toContain('was enabled, flag, {"maxFailures":4,"windowMinutes":60}');
  });
});
