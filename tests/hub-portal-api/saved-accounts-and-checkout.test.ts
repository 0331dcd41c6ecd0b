import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshConsumers } from '../hub-api/fresh-consumers.js';
import { type ApiInit, callHubApi, startTestHub, type TestHub } from '../hub-api/test-hub.js';
import { Browser } from '../idp/support/browser.js';
import { login, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';

const SCOPES = 'openid bills:read accounts:write payments:read payments:write';
const INTERNALS = ['_id', '__v', 'citizenSub', 'consumerKey'];

interface Due {
  account: { id: string; billerId: string; consumerMasked: string };
  bill?: { billNumberMasked: string; amountDueMinor: number };
  payable?: { day: string; amountMinor: number; applied: string };
  checkoutLine?: { accountId: string; billRef: string; amountMinor: number };
}

describe('the API the portal needs: saved accounts, dues and checkout lines', () => {
  let idp: TestIdp;
  let hub: TestHub;
  let asha: string;
  let ravi: string;
  const nextConsumers = freshConsumers();

  const call = (path: string, token: string, init: ApiInit = {}) => callHubApi(hub, path, token, init);
  const link = (token: string, consumerNumber: string) =>
    call('/accounts', token, {
      method: 'POST',
      body: JSON.stringify({ billerId: 'state-electricity', consumer: { consumerNumber } }),
    });
  const dues = async (token: string) => ((await (await call('/dues', token)).json()) as { dues: Due[] }).dues;
  const checkout = (token: string, lines: unknown[]) =>
    call('/checkouts', token, { method: 'POST', body: JSON.stringify({ lines }), key: randomUUID() });

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    hub = await startTestHub(idp.issuer, HUB_API);
    const rp = await relyingParty(idp, idp.hub);
    const token = async (identifier: string) =>
      (
        await login(idp, new Browser([idp.hub.redirectUri]), rp, idp.hub, {
          identifier,
          scope: SCOPES,
          resource: HUB_API,
        })
      ).tokens.access_token;
    asha = await token('asha.portal@example.org');
    ravi = await token('ravi.portal@example.org');
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it('a consumer number with spaces, or in Devanagari or Bengali digits, is the same saved account, masked on its digits', async () => {
    const first = await link(asha, ' 1002003004 ');
    expect(first.status).toBe(201);
    expect(((await first.json()) as { account: { consumerMasked: string } }).account.consumerMasked).toBe('******3004');
    for (const same of ['1002003004', '\t१००२००३००४\n', '১০০২০০৩০০৪']) {
      const again = await link(asha, same);
      expect(again.status).toBe(409);
    }
    const { accounts } = (await (await call('/accounts', asha)).json()) as { accounts: { consumerMasked: string }[] };
    expect(accounts.map((a) => a.consumerMasked)).toEqual(['******3004']);
  });

  it('saved accounts and dues show ids as id, no internals and never the full consumer number', async () => {
    const { electricity } = nextConsumers();
    const res = await link(ravi, electricity.consumerNumber);
    expect(res.status).toBe(201);
    const linked = JSON.stringify(((await res.json()) as { account: unknown }).account);
    const listed = JSON.stringify(await (await call('/accounts', ravi)).json());
    const [due] = await dues(ravi);
    for (const text of [linked, listed, JSON.stringify(due?.account)]) {
      for (const internal of INTERNALS) expect(text).not.toContain(`"${internal}"`);
      expect(text).not.toContain(electricity.consumerNumber);
      expect(text).toContain('"id":"ACC');
    }
  });

  it("/dues gives today's payable amount, and its checkout line pays the bill through the saved account id", async () => {
    const { electricity } = nextConsumers();
    const created = (await (await link(asha, ` ${electricity.consumerNumber}\t`)).json()) as {
      account: { id: string };
    };
    const due = (await dues(asha)).find((d) => d.account.id === created.account.id);
    expect(due?.payable?.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(['early_payment_rebate', 'late_fee', 'none']).toContain(due?.payable?.applied);
    expect(due?.checkoutLine).toEqual({
      accountId: created.account.id,
      billRef: expect.stringMatching(/^[\w-]{22}$/),
      amountMinor: due?.payable?.amountMinor,
    });

    const res = await checkout(asha, [due?.checkoutLine]);
    expect(res.status).toBe(201);
    const { payment } = (await res.json()) as { payment: { id: string; totalMinor: number } };
    expect(payment.totalMinor).toBe(due?.payable?.amountMinor);
    const marked = (await dues(asha)).find((d) => d.account.id === created.account.id) as { checkout?: unknown };
    expect(marked.checkout).toMatchObject({ paymentId: payment.id });

    // The same bill named by biller and consumer, in Devanagari digits with spaces, has the same
    // billKey: the newer checkout supersedes the older one instead of paying the bill twice.
    const devanagari = electricity.consumerNumber.replace(/\d/g, (d) => String.fromCodePoint(0x966 + Number(d)));
    const { bill } = (await (
      await call(`/billers/state-electricity/bill?consumerNumber=${electricity.consumerNumber}`, asha)
    ).json()) as { bill: { billNumber: string } };
    const direct = {
      billerId: 'state-electricity',
      consumer: { consumerNumber: ` ${devanagari} ` },
      billNumber: bill.billNumber,
      amountMinor: due?.checkoutLine?.amountMinor,
    };
    const newer = await checkout(asha, [direct]);
    expect(newer.status).toBe(201);
    const newerId = ((await newer.json()) as { payment: { id: string } }).payment.id;
    const older = (await (await call(`/payments/${payment.id}`, asha)).json()) as { status: string };
    expect(older.status).toBe('cancelled');
    const now = (await dues(asha)).find((d) => d.account.id === created.account.id) as { checkout?: unknown };
    expect(now.checkout).toMatchObject({ paymentId: newerId });
  });

  it('one bill named twice in a checkout, by its saved account and by its consumer, is a 422 duplicate_bill', async () => {
    const { electricity } = nextConsumers();
    const created = (await (await link(asha, electricity.consumerNumber)).json()) as { account: { id: string } };
    const due = (await dues(asha)).find((d) => d.account.id === created.account.id);
    const { bill } = (await (
      await call(`/billers/state-electricity/bill?consumerNumber=${electricity.consumerNumber}`, asha)
    ).json()) as { bill: { billNumber: string } };
    const direct = {
      billerId: 'state-electricity',
      consumer: electricity,
      billNumber: bill.billNumber,
      amountMinor: due?.checkoutLine?.amountMinor,
    };
    const res = await checkout(asha, [due?.checkoutLine, direct]);
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'duplicate_bill', line: 1 });
    expect((await dues(asha)).find((d) => d.account.id === created.account.id)).not.toHaveProperty('checkout');
  });

  it("a checkout line naming another citizen's or an unknown saved account is a 404, never their bill", async () => {
    const { electricity } = nextConsumers();
    const created = (await (await link(asha, electricity.consumerNumber)).json()) as { account: { id: string } };
    const due = (await dues(asha)).find((d) => d.account.id === created.account.id);
    for (const accountId of [created.account.id, 'ACC0000000000000000000000']) {
      const res = await checkout(ravi, [{ ...due?.checkoutLine, accountId }]);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'account_not_found' });
    }
  });

  it('a checkout line names a saved account or a biller and consumer, exactly one of the two', async () => {
    const line = { billNumber: 'EB-1', amountMinor: 100 };
    const refusal = async (body: unknown) => {
      const res = await checkout(asha, [body]);
      expect(res.status).toBe(400);
      return ((await res.json()) as { fields: { field: string; problem: string }[] }).fields;
    };
    expect(
      await refusal({ ...line, accountId: 'ACC1', billerId: 'state-electricity', consumer: { consumerNumber: '1' } }),
    ).toContainEqual({
      field: 'lines.0.accountId',
      problem: 'name a saved account or a biller and consumer, not both',
    });
    const either = { field: 'lines.0.accountId', problem: 'name a saved account, or a biller and its consumer' };
    expect(await refusal(line)).toContainEqual(either);
    expect(await refusal({ ...line, billerId: 'state-electricity' })).toContainEqual(either);
  });
});
