import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  accountListSchema,
  billerListSchema,
  billerSchema,
  checkoutResultSchema,
  duesSchema,
  fetchedBillSchema,
  linkedAccountSchema,
  paymentListSchema,
  paymentSchema,
} from '../../hub/api/response-schemas.js';
import { receiptViewSchema } from '../../hub/receipts/receipt-schemas.js';
import { freshConsumers } from '../hub-api/fresh-consumers.js';
import { type ApiInit, callHubApi, startTestHub, type TestHub } from '../hub-api/test-hub.js';
import { Browser } from '../idp/support/browser.js';
import { login, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';
import { payAtHostedCheckout } from '../support/hosted-checkout.js';

const ALL_SCOPES = 'openid bills:read accounts:write payments:read payments:write';
/** Storage fields: none may appear in any answer, at any depth. */
const FORBIDDEN_KEYS = [
  '_id',
  '__v',
  'citizenSub',
  'consumerKey',
  'billKey',
  'billRefKey',
  'idempotencyKey',
  'requestHash',
  'refundKey',
  'attempts',
  'changedAt',
  'nextAttemptAt',
  'enquiries',
  'gateway',
  'receipt',
];

/** The success body each step's route documents (RouteSpec.response, in the OpenAPI document). */
const DOCUMENTED: Record<string, z.ZodType> = {
  billers: billerListSchema,
  biller: billerSchema,
  'bill lookup': fetchedBillSchema,
  link: linkedAccountSchema,
  accounts: accountListSchema,
  dues: duesSchema,
  'dues after paying': duesSchema,
  checkout: checkoutResultSchema,
  payment: paymentSchema,
  sync: paymentSchema,
  payments: paymentListSchema,
  receipt: receiptViewSchema,
};

interface Answer {
  step: string;
  status: number;
  body: unknown;
}

/** Every key of a JSON value, at any depth. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
  }
  return [];
}

describe('what the hub API answers show: scopes, internals and masked numbers', () => {
  let idp: TestIdp;
  let hub: TestHub;
  let citizen: string;
  let readOnly: string;
  const answers: Answer[] = [];
  const nextConsumers = freshConsumers();

  /** Calls the API and keeps every JSON answer for the walk. */
  const call = async (step: string, path: string, token: string, init: ApiInit = {}) => {
    const res = await callHubApi(hub, path, token, init);
    const body = res.headers.get('content-type')?.includes('json') ? await res.json() : undefined;
    answers.push({ step, status: res.status, body });
    return { status: res.status, headers: res.headers, body: body as never };
  };

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    hub = await startTestHub(idp.issuer, HUB_API, {}, true);
    const rp = await relyingParty(idp, idp.hub);
    const token = async (identifier: string, scope: string) =>
      (await login(idp, new Browser([idp.hub.redirectUri]), rp, idp.hub, { identifier, scope, resource: HUB_API }))
        .tokens.access_token;
    citizen = await token('meera.answers@example.org', ALL_SCOPES);
    readOnly = await token('kabir.answers@example.org', 'openid bills:read payments:read payments:write');
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it('the idp grants accounts:write for the hub API when asked, and not when not asked', () => {
    expect(String(decodeJwt(citizen).scope).split(' ')).toContain('accounts:write');
    expect(String(decodeJwt(readOnly).scope).split(' ')).not.toContain('accounts:write');
  });

  it('bills:read reads saved accounts and dues, but linking and unlinking get 403 insufficient_scope naming accounts:write', async () => {
    expect((await call('accounts (read-only)', '/accounts', readOnly)).status).toBe(200);
    expect((await call('dues (read-only)', '/dues', readOnly)).status).toBe(200);
    const link = await call('link (read-only)', '/accounts', readOnly, {
      method: 'POST',
      body: JSON.stringify({ billerId: 'city-water', consumer: { connectionId: 'W12-004512' } }),
    });
    const unlink = await call('unlink (read-only)', '/accounts/ACC0000000000000000000000', readOnly, {
      method: 'DELETE',
    });
    for (const refused of [link, unlink]) {
      expect(refused.status).toBe(403);
      // RFC 6750 §3.1: the error and the scope the request needs.
      expect(refused.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="accounts:write"');
      expect(refused.body).toMatchObject({ code: 'insufficient_scope', detail: 'this needs the accounts:write scope' });
    }
    expect(
      ((await call('accounts (read-only)', '/accounts', readOnly)).body as { accounts: unknown[] }).accounts,
    ).toEqual([]);
  });

  it('a full journey (look up, link three accounts, dues, pay them together, history) shows no storage field and never a full consumer or bill number beside a masked one', async () => {
    const { electricity, gas } = nextConsumers();
    const consumers = [
      { billerId: 'state-electricity', consumer: electricity, number: electricity.consumerNumber },
      { billerId: 'city-water', consumer: { connectionId: 'W12-004512' }, number: 'W12-004512' },
      { billerId: 'metro-gas', consumer: gas, number: gas.bpNumber },
    ];
    await call('billers', '/billers', citizen);
    await call('biller', '/billers/state-electricity', citizen);
    const billNumbers: string[] = [];
    for (const { billerId, consumer } of consumers) {
      const looked = await call('bill lookup', `/billers/${billerId}/bill?${new URLSearchParams(consumer)}`, citizen);
      expect(looked.status).toBe(200);
      billNumbers.push((looked.body as { bill: { billNumber: string } }).bill.billNumber);
    }
    // The electricity sandbox's bill number embeds the consumer number: the case masking is for.
    expect(billNumbers[0]).toContain(electricity.consumerNumber);

    const accountIds: string[] = [];
    for (const { billerId, consumer } of consumers) {
      const linked = await call('link', '/accounts', citizen, {
        method: 'POST',
        body: JSON.stringify({ billerId, consumer }),
      });
      expect(linked.status).toBe(201);
      accountIds.push((linked.body as { account: { id: string } }).account.id);
    }
    const again = await call('link again', '/accounts', citizen, {
      method: 'POST',
      body: JSON.stringify({ billerId: 'city-water', consumer: { connectionId: ' W12-004512 ' } }),
    });
    expect(again.status).toBe(409);
    await call('accounts', '/accounts', citizen);
    const { dues } = (await call('dues', '/dues', citizen)).body as {
      dues: { account: { id: string }; bill: { billNumberMasked: string }; checkoutLine: object }[];
    };
    expect(dues).toHaveLength(3);
    expect(dues[0]?.bill.billNumberMasked).toMatch(new RegExp(`^\\*+${billNumbers[0]?.slice(-4)}$`));

    // A billRef names one account's bill: under another account it is the bill that changed.
    const [first, second] = dues as [(typeof dues)[0], (typeof dues)[0]];
    const mixed = await call('checkout with a wrong billRef', '/checkouts', citizen, {
      method: 'POST',
      key: randomUUID(),
      body: JSON.stringify({ lines: [{ ...first.checkoutLine, accountId: second.account.id }] }),
    });
    expect(mixed.status).toBe(409);
    expect(mixed.body).toMatchObject({ code: 'bill_changed', currentBillNumberMasked: second.bill.billNumberMasked });

    const made = await call('checkout', '/checkouts', citizen, {
      method: 'POST',
      key: randomUUID(),
      body: JSON.stringify({ lines: dues.map((due) => due.checkoutLine) }),
    });
    expect(made.status).toBe(201);
    const { payment, checkoutUrl } = made.body as { payment: { id: string }; checkoutUrl: string };
    await call('payment', `/payments/${payment.id}`, citizen);
    await payAtHostedCheckout(checkoutUrl);
    await call('sync', `/payments/${payment.id}/sync`, citizen, { method: 'POST' });
    let status = '';
    for (let i = 0; i < 200 && status !== 'completed'; i++) {
      status = ((await call('payment', `/payments/${payment.id}`, citizen)).body as { status: string }).status;
      if (status !== 'completed') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('completed');
    await call('payments', '/payments', citizen);
    // The worker issues the receipt just after the payment completes.
    let receipt = 0;
    for (let i = 0; i < 200 && receipt !== 200; i++) {
      receipt = (await call('receipt', `/payments/${payment.id}/receipt`, citizen)).status;
      if (receipt !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(receipt).toBe(200);
    await call('dues after paying', '/dues', citizen);
    await call('unknown payment', '/payments/PAY00000000000000000000', citizen);
    expect((await call('unlink', `/accounts/${accountIds[2]}`, citizen, { method: 'DELETE' })).status).toBe(204);

    const walked = answers.filter((answer) => answer.body !== undefined);
    expect(walked.length).toBeGreaterThan(20);
    for (const { step, body } of walked) {
      const keys = keysOf(body);
      for (const key of FORBIDDEN_KEYS) expect(keys, `${step}: ${key}`).not.toContain(key);
      const text = JSON.stringify(body);
      if (!text.includes('consumerMasked')) continue;
      for (const number of [...consumers.map((c) => c.number), ...billNumbers]) {
        expect(text, `${step} shows ${number} beside a masked consumer`).not.toContain(number);
      }
    }
    // Each success body is exactly its documented shape: parsing drops no key and changes no value.
    for (const { step, status, body } of walked.filter((answer) => answer.status < 300 && DOCUMENTED[answer.step])) {
      const parsed = DOCUMENTED[step]?.safeParse(body);
      expect(parsed?.error, `${step} ${status}`).toBeUndefined();
      expect(parsed?.data, step).toStrictEqual(body);
    }
    // The walk met the masked answers it is about.
    expect(walked.filter(({ body }) => JSON.stringify(body).includes('consumerMasked')).length).toBeGreaterThan(10);
  });
});
