import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { duesSchema } from '../../hub/api/response-schemas.js';
import { DemandStore } from '../../hub/demands/demand-store.js';
import { Ledger } from '../../hub/ledger/index.js';
import { BY, hallRentInThree } from '../hub-demands/fixtures.js';
import { Browser } from '../idp/support/browser.js';
import { login, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';
import { payAtHostedCheckout } from '../support/hosted-checkout.js';
import { type ApiInit, callHubApi, startTestHub, type TestHub } from './test-hub.js';

interface Option {
  code: string;
  label: string;
  amountMinor: number;
  breakup?: { label: string; amountMinor: number }[];
}
interface CheckoutLine {
  billerId: string;
  consumer: Record<string, string>;
  billNumber: string;
  amountMinor: number;
}
interface DemandDueView {
  demand: { reference: string };
  bill?: { billNumber: string; amountDueMinor: number; amountOptions?: Option[] };
  checkoutLine?: CheckoutLine;
}
interface PaymentView {
  id: string;
  status: string;
  lines: { billerId: string; status: string; reference: string; billerReference?: string }[];
}
interface ReceiptView {
  lines: { amountMinor: number; amountDueMinor?: number; breakup: { label: string; amountMinor: number }[] }[];
}

const PHONE = '+919845012347';
/** 11:30 IST on 5 January 2027: before the first instalment's due date (10 January). */
const ON_TIME = new Date('2027-01-05T06:00:00Z');
/** 11:30 IST on 20 March 2027: ten days after the third instalment's due date (10 March). */
const TEN_DAYS_LATE = new Date('2027-03-20T06:00:00Z');

/**
 * Paying several instalments of one demand in one checkout through the bill's amount options, from
 * a real idp login through settlement by the worker. The days are set on a fake clock (Date only;
 * it keeps running from there), so a late fee is reached without waiting and without depending on
 * the day the tests run.
 */
describe('paying instalments of a demand through its amount options', () => {
  let idp: TestIdp;
  let hub: TestHub;
  let store: DemandStore;
  let token: string;

  const api = (path: string, init: ApiInit = {}) => callHubApi(hub, path, token, init);
  /** Signs the citizen in on the clock's current day (a token from another day has expired). */
  const signIn = async (day: Date) => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, now: day });
    const rp = await relyingParty(idp, idp.hub);
    token = (
      await login(idp, new Browser([idp.hub.redirectUri]), rp, idp.hub, {
        identifier: '+91 98450 12347',
        to: PHONE,
        name: 'Meera Das',
        scope: 'openid profile phone bills:read accounts:write payments:read payments:write',
        resource: HUB_API,
      })
    ).tokens.access_token;
  };
  const dueOf = async (reference: string) => {
    const { demands } = (await (await api('/dues')).json()) as { demands?: DemandDueView[] };
    return demands?.find((d) => d.demand.reference === reference);
  };
  const checkout = (lines: CheckoutLine[]) =>
    api('/checkouts', { method: 'POST', body: JSON.stringify({ lines }), key: randomUUID() });
  const payAndWait = async (lines: CheckoutLine[]) => {
    const res = await checkout(lines);
    expect(res.status).toBe(201);
    const { payment, checkoutUrl } = (await res.json()) as { payment: PaymentView; checkoutUrl: string };
    return payAt(payment.id, checkoutUrl);
  };
  /** Pays a checkout at the sandbox gateway and waits for settlement to finish it. */
  const payAt = async (paymentId: string, checkoutUrl: string) => {
    await payAtHostedCheckout(checkoutUrl);
    for (let i = 0; i < 200; i++) {
      const current = (await (await api(`/payments/${paymentId}`)).json()) as PaymentView;
      if (['completed', 'partially_refunded', 'refunded'].includes(current.status)) return current;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`payment ${paymentId} did not finish`);
  };
  const receiptOf = async (paymentId: string) => {
    for (let i = 0; i < 100; i++) {
      const res = await api(`/payments/${paymentId}/receipt`);
      if (res.status === 200) return (await res.json()) as ReceiptView;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no receipt for ${paymentId}`);
  };

  beforeAll(async () => {
    // One sign-in per test and per day on the fake clock: more than the default 5 codes an hour to one phone.
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000', OTP_SENDS_PER_IDENTIFIER_PER_HOUR: '1000' });
    hub = await startTestHub(idp.issuer, HUB_API, {}, true);
    store = new DemandStore(hub.service.mongo);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    vi.useRealTimers();
    await hub?.close();
    await idp?.close();
  });

  it('a demand with three instalments paid across two checkouts, with a late fee applied to the third', async () => {
    await signIn(ON_TIME);
    const { demand } = await store.create(hallRentInThree({ payer: { phone: PHONE } }), BY);
    const ref = demand.reference;

    // /dues with amount options is exactly its documented shape (parsing drops no key, changes no value).
    const body: unknown = await (await api('/dues')).json();
    const parsed = duesSchema.safeParse(body);
    expect(parsed.error).toBeUndefined();
    expect(parsed.data).toStrictEqual(body);

    // Checkout 1, on time: the bill offers 1, 1-2 or 1-3 instalments; the citizen pays two.
    const first = await dueOf(ref);
    expect(first?.bill?.amountOptions?.map(({ code, label, amountMinor }) => ({ code, label, amountMinor }))).toEqual([
      { code: 'instalments-1', label: 'Instalment 1 of 3', amountMinor: 1_180_000 },
      { code: 'instalments-2', label: 'Instalments 1-2 of 3', amountMinor: 2_360_000 },
      { code: 'instalments-3', label: 'Instalments 1-3 of 3', amountMinor: 3_540_000 },
    ]);
    // The dues' own line stays the next instalment; another option's amount pays more.
    expect(first?.checkoutLine?.amountMinor).toBe(1_180_000);
    const line = first?.checkoutLine as CheckoutLine;
    const paid1 = await payAndWait([{ ...line, amountMinor: 2_360_000 }]);
    expect(paid1.status).toBe('completed');
    expect(paid1.lines[0]).toMatchObject({ status: 'settled', billerReference: `${ref}/1+2` });

    const afterFirst = await store.findById(demand._id);
    expect(afterFirst?.status).toBe('partly_paid');
    expect(afterFirst?.instalments.map((i) => [i.status, i.paidMinor, i.paidOn])).toEqual([
      ['paid', 1_180_000, '2027-01-05'],
      ['paid', 1_180_000, '2027-01-05'],
      ['open', 0, undefined],
    ]);
    expect(afterFirst?.payments).toMatchObject([
      { paymentId: paid1.lines[0]?.reference, instalments: [1, 2], amountMinor: 2_360_000, day: '2027-01-05' },
    ]);
    // The receipt itemises both instalments, adding up to what was paid.
    const receipt1 = await receiptOf(paid1.id);
    expect(receipt1.lines[0]).toMatchObject({
      amountMinor: 2_360_000,
      amountDueMinor: 2_360_000,
      breakup: [
        { label: 'Instalment 1 of 3', amountMinor: 1_180_000 },
        { label: 'Instalment 2 of 3', amountMinor: 1_180_000 },
      ],
    });

    // Checkout 2, ten days after the third instalment's due date: one period of 2 %, ₹236.
    vi.useRealTimers();
    await signIn(TEN_DAYS_LATE);
    const second = await dueOf(ref);
    expect(second?.bill).toMatchObject({
      billNumber: `${ref}/3`,
      amountDueMinor: 1_203_600,
      amountOptions: [
        {
          code: 'instalments-1',
          label: 'Instalment 3 of 3',
          amountMinor: 1_203_600,
          breakup: [
            { label: 'Instalment 3 of 3', amountMinor: 1_180_000 },
            { label: 'Late fee', amountMinor: 23_600 },
          ],
        },
      ],
    });
    const paid2 = await payAndWait([second?.checkoutLine as CheckoutLine]);
    expect(paid2.status).toBe('completed');
    expect(paid2.lines[0]).toMatchObject({ status: 'settled', billerReference: `${ref}/3` });

    const after = await store.findById(demand._id);
    expect(after?.status).toBe('paid');
    expect(after?.paidMinor).toBe(3_563_600);
    expect(after?.instalments[2]).toMatchObject({ status: 'paid', paidMinor: 1_203_600, lateFeeMinor: 23_600 });
    expect(after?.payments.map((p) => [p.instalments, p.amountMinor])).toEqual([
      [[1, 2], 2_360_000],
      [[3], 1_203_600],
    ]);
    const receipt2 = await receiptOf(paid2.id);
    expect(receipt2.lines[0]).toMatchObject({
      amountMinor: 1_203_600,
      breakup: [
        { label: 'Instalment 3 of 3', amountMinor: 1_180_000 },
        { label: 'Late fee', amountMinor: 23_600 },
      ],
    });
    const ledger = new Ledger(hub.service.mongo);
    for (const id of [paid1.id, paid2.id]) expect((await ledger.checkLedger(id)).problems).toEqual([]);
    // Reconciliation reads one collection entry per payment, on the day each was recorded.
    const biller = hub.registry.get('payment-demands');
    expect(await biller?.operations.collectionReport?.('2027-01-05')).toMatchObject([
      { reference: paid1.lines[0]?.reference, billerReference: `${ref}/1+2`, amountMinor: 2_360_000 },
    ]);
    expect(await biller?.operations.collectionReport?.('2027-03-20')).toMatchObject([
      { reference: paid2.lines[0]?.reference, billerReference: `${ref}/3`, amountMinor: 1_203_600 },
    ]);
    // Paid: no longer among the dues.
    expect(await dueOf(ref)).toBeUndefined();
  });

  it('a checkout made on the due date and paid just after midnight settles at the amount agreed, not refunded for a late fee', async () => {
    // 23:55 IST on 10 January, the first instalment's due date.
    await signIn(new Date('2027-01-10T18:25:00Z'));
    const { demand } = await store.create(hallRentInThree({ payer: { phone: PHONE } }), BY);
    const line = (await dueOf(demand.reference))?.checkoutLine as CheckoutLine;
    expect(line.amountMinor).toBe(1_180_000);
    const res = await checkout([line]);
    expect(res.status).toBe(201);
    const { payment, checkoutUrl } = (await res.json()) as { payment: PaymentView; checkoutUrl: string };
    // Paid at 00:05 IST on the 11th, when the instalment would cost ₹236 more.
    vi.setSystemTime(new Date('2027-01-10T18:35:00Z'));
    const done = await payAt(payment.id, checkoutUrl);
    expect(done.status).toBe('completed');
    expect(done.lines[0]?.status).toBe('settled');
    expect((await store.findById(demand._id))?.instalments[0]).toMatchObject({
      status: 'paid',
      paidMinor: 1_180_000,
      lateFeeMinor: 0,
      paidOn: '2027-01-10',
    });
  });

  it('an amount between two options is refused at checkout with the options named, and nothing is paid', async () => {
    await signIn(ON_TIME);
    const { demand } = await store.create(hallRentInThree({ payer: { phone: PHONE } }), BY);
    const line = (await dueOf(demand.reference))?.checkoutLine as CheckoutLine;
    const started = hub.settlementStarts.length;
    const res = await checkout([{ ...line, amountMinor: 1_180_000 + 50_000 }]);
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      code: 'amount_not_allowed',
      line: 0,
      amountOptions: [
        { code: 'instalments-1', amountMinor: 1_180_000 },
        { code: 'instalments-2', amountMinor: 2_360_000 },
        { code: 'instalments-3', amountMinor: 3_540_000 },
      ],
    });
    expect(hub.settlementStarts.length).toBe(started);
    expect((await store.findById(demand._id))?.status).toBe('open');
  });

  it('a cancelled demand cannot be paid: its checkout is refused and it leaves the dues', async () => {
    await signIn(ON_TIME);
    const { demand } = await store.create(hallRentInThree({ payer: { phone: PHONE } }), BY);
    const line = (await dueOf(demand.reference))?.checkoutLine as CheckoutLine;
    await store.cancel(demand._id, { actor: 'officer@municipality', reason: 'booking withdrawn' });
    const res = await checkout([line]);
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'consumer_not_found', billerCode: 'NO_BILL_DUE' });
    expect(await dueOf(demand.reference)).toBeUndefined();
    const after = await store.findById(demand._id);
    expect(after?.status).toBe('cancelled');
    expect(after?.payments).toEqual([]);
  });

  it('instalments cannot be paid out of order: a checkout of the third while the first is open is refused', async () => {
    await signIn(ON_TIME);
    const { demand } = await store.create(hallRentInThree({ payer: { phone: PHONE } }), BY);
    const line = (await dueOf(demand.reference))?.checkoutLine as CheckoutLine;
    const res = await checkout([{ ...line, billNumber: `${demand.reference}/3` }]);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'bill_changed', currentBillNumber: `${demand.reference}/1` });
    expect((await store.findById(demand._id))?.status).toBe('open');
  });
});
