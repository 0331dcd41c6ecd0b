import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemandStore } from '../../hub/demands/demand-store.js';
import { payableToday } from '../hub-api/fresh-consumers.js';
import { type ApiInit, callHubApi, startTestHub, type TestHub } from '../hub-api/test-hub.js';
import { accessTokenAt } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';
import { payAtHostedCheckout } from '../support/hosted-checkout.js';
import { BY, hallRentInThree } from './fixtures.js';

interface DemandDueView {
  demand: { reference: string; title: string };
  bill?: { billNumber: string; amountDueMinor: number; dueDate: string };
  checkoutLine?: { billerId: string; consumer: Record<string, string>; billNumber: string; amountMinor: number };
  paid?: { paymentId: string };
}
interface PaymentView {
  id: string;
  status: string;
  lines: { billerId: string; status: string; reference: string }[];
}

const PHONE = '+919845012346';

/** From a real idp login: a demand raised for the citizen's phone shows among their dues and is paid with a utility bill. */
describe("a citizen's demands among their dues, paid in the same checkout", () => {
  let idp: TestIdp;
  let hub: TestHub;
  let token: string;
  let store: DemandStore;

  const api = (path: string, init: ApiInit = {}) => callHubApi(hub, path, token, init);
  const demandDues = async () => ((await (await api('/dues')).json()) as { demands?: DemandDueView[] }).demands ?? [];

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    hub = await startTestHub(idp.issuer, HUB_API, {}, true);
    store = new DemandStore(hub.service.mongo);
    token = await accessTokenAt(idp, idp.hub, {
      identifier: '+91 98450 12346',
      to: PHONE,
      name: 'Asha Rao',
      scope: 'openid profile phone bills:read accounts:write payments:read payments:write',
      resource: HUB_API,
    });
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it("lists only the demands raised for the citizen's verified phone, each with its next instalment's checkout line", async () => {
    const { demand: mine } = await store.create(hallRentInThree({ payer: { phone: PHONE } }), BY);
    const { demand: other } = await store.create(hallRentInThree({ payer: { phone: '+919000000001' } }), BY);
    const dues = await demandDues();
    expect(dues.map((d) => d.demand.reference)).toContain(mine.reference);
    expect(dues.map((d) => d.demand.reference)).not.toContain(other.reference);
    expect(dues.find((d) => d.demand.reference === mine.reference)).toMatchObject({
      bill: { billNumber: `${mine.reference}/1`, amountDueMinor: 1_180_000, dueDate: '2027-01-10' },
      checkoutLine: {
        billerId: 'payment-demands',
        consumer: { demandReference: mine.reference },
        billNumber: `${mine.reference}/1`,
        amountMinor: 1_180_000,
      },
    });
  });

  it('a demand instalment from the dues and an electricity bill paid in one checkout both settle, and the demand shows the instalment paid', async () => {
    const { demand } = await store.create(hallRentInThree({ payer: { phone: PHONE } }), BY);
    const due = (await demandDues()).find((d) => d.demand.reference === demand.reference);
    if (!due?.checkoutLine) throw new Error('the demand is not among the dues');
    const { bill } = (await (await api('/billers/state-electricity/bill?consumerNumber=1002003004')).json()) as {
      bill: { billNumber: string; amountDueMinor: number };
    };
    const electricity = {
      billerId: 'state-electricity',
      consumer: { consumerNumber: '1002003004' },
      billNumber: bill.billNumber,
      amountMinor: payableToday(bill),
    };

    const res = await api('/checkouts', {
      method: 'POST',
      body: JSON.stringify({ lines: [electricity, due.checkoutLine] }),
      key: randomUUID(),
    });
    expect(res.status).toBe(201);
    const { payment, checkoutUrl } = (await res.json()) as { payment: PaymentView; checkoutUrl: string };
    await payAtHostedCheckout(checkoutUrl);
    let done: PaymentView | undefined;
    for (let i = 0; i < 150 && !['completed', 'partially_refunded', 'refunded'].includes(done?.status ?? ''); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      done = (await (await api(`/payments/${payment.id}`)).json()) as PaymentView;
    }
    expect(done?.status).toBe('completed');
    expect(done?.lines.map((l) => [l.billerId, l.status])).toEqual([
      ['state-electricity', 'settled'],
      ['payment-demands', 'settled'],
    ]);
    const after = await store.findById(demand._id);
    expect(after?.instalments.map((i) => i.status)).toEqual(['paid', 'open', 'open']);
    expect(after?.payments.map((p) => p.paymentId)).toEqual([done?.lines[1]?.reference]);
    // The dues now offer the second instalment.
    const next = (await demandDues()).find((d) => d.demand.reference === demand.reference);
    expect(next?.checkoutLine?.billNumber).toBe(`${demand.reference}/2`);
  });
});
