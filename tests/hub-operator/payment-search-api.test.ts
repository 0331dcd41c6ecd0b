import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  operatorPaymentDetailSchema,
  operatorPaymentListSchema,
} from '../../hub/api/routes/operator-payment-routes.js';
import { ContactStore } from '../../hub/contacts/contact-store.js';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import { callHubApi, startTestHub, type TestHub } from '../hub-api/test-hub.js';
import { capturedPayment } from '../hub-payments/fixtures.js';
import { HUB_API } from '../idp/support/test-idp.js';
import { type OperatorIdp, operatorLogin, startOperatorIdp } from '../operator-console/support/operator-idp.js';

const OPERATOR = 'ops.search@example.org';

interface Problem {
  code: string;
  detail: string;
  fields?: { field: string; problem: string }[];
}

/** GET /api/v1/operator/payments and /payments/{id} through the hub, with a real operator token. */
describe("the hub's operator payment routes", () => {
  let roles: OperatorIdp;
  let hub: TestHub;
  let token: string;
  let paymentId: string;

  const get = (path: string) => callHubApi(hub, path, token);

  beforeAll(async () => {
    roles = await startOperatorIdp([OPERATOR]);
    hub = await startTestHub(roles.idp.issuer, HUB_API);
    token = (await operatorLogin(roles, OPERATOR, 'Asha Operator')).access_token;
    const payment = await capturedPayment(new PaymentStore(hub.service.mongo), { citizenSub: 'citizen-api-1' });
    paymentId = payment._id;
    await new ContactStore(hub.service.mongo).remember('citizen-api-1', { phone: '+919876500001' });
  });
  afterAll(async () => {
    await hub?.close();
    await roles?.close();
  });

  it('searches by phone and answers the list shape: ids, lines with masked consumers, amounts in paise', async () => {
    const res = await get('/operator/payments?phone=98765%2000001');
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { payments: Record<string, unknown>[]; next?: string };
    expect(operatorPaymentListSchema.safeParse(body).error).toBeUndefined();
    expect(body.next).toBeUndefined();
    expect(body.payments).toHaveLength(1);
    expect(body.payments[0]).toMatchObject({
      id: paymentId,
      status: 'captured',
      method: 'upi',
      citizenSub: 'citizen-api-1',
      lines: [
        expect.objectContaining({ billerId: 'electricity-discom', consumerMasked: '*****0300', amountMinor: 125_000 }),
        expect.objectContaining({ billerId: 'water-board', amountMinor: 34_050 }),
      ],
    });
    expect(JSON.stringify(body)).not.toContain('100200300');
  });

  it('checks the query at the edge: a bad date, a range backwards, an unknown status or field, a bad phone or cursor are 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['from=2026-02-30', 'from'],
      ['from=30%2F11%2F2026', 'from'],
      ['from=2026-12-01&to=2026-11-01', 'to'],
      ['status=lost', 'status'],
      ['colour=red', '(body)'],
      ['billerId=Not%20A%20Biller', 'billerId'],
      ['phone=not-a-phone', 'phone'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['limit=1000', 'limit'],
    ];
    for (const [query, field] of cases) {
      const res = await get(`/operator/payments?${query}`);
      expect(res.status, query).toBe(400);
      const problem = (await res.json()) as Problem;
      expect(problem.code).toBe('invalid_request');
      expect(problem.fields?.map((f) => f.field).join(), query).toContain(field === '(body)' ? '' : field);
    }
  });

  it('answers a payment in full with its timeline, ledger and audit lists, and 404 for an unknown one', async () => {
    const res = await get(`/operator/payments/${paymentId}`);
    expect(res.status).toBe(200);
    const detail = (await res.json()) as {
      payment: { id: string };
      timeline: unknown[];
      ledger: unknown[];
      audit: unknown[];
    };
    expect(operatorPaymentDetailSchema.safeParse(detail).error).toBeUndefined();
    expect(detail.payment.id).toBe(paymentId);
    expect(detail.timeline.length).toBeGreaterThan(0);
    expect(detail.ledger).toEqual([]);
    expect(detail.audit).toEqual([]);
    expect((await get('/operator/payments/PAY00000000000000000000')).status).toBe(404);
    expect((await get('/operator/payments/not-an-id')).status).toBe(400);
  });

  it('refuses a request without a token with 401', async () => {
    const res = await callHubApi(hub, '/operator/payments', undefined);
    expect(res.status).toBe(401);
  });
});
