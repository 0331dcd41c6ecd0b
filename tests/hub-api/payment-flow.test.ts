import { randomUUID } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../hub/ledger/index.js';
import { readCaptured } from '../../infra/notifier/index.js';
import { Browser } from '../idp/support/browser.js';
import { login, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';
import { payAtHostedCheckout } from '../support/hosted-checkout.js';
import { freshConsumers, payableToday } from './fresh-consumers.js';
import { type ApiInit, callHubApi, startTestHub, type TestHub } from './test-hub.js';

interface Line {
  billerId: string;
  consumer: Record<string, string>;
  billNumber: string;
  amountMinor: number;
}
interface PaymentView {
  id: string;
  status: string;
  lines: { billerId: string; status: string; billerReference?: string; reference: string }[];
}

/** From a real idp login to a receipt: three utilities paid in one checkout, settled by jobs. */
describe('paying electricity, water and gas in one checkout', () => {
  let idp: TestIdp;
  let hub: TestHub;
  let token: string;
  const paymentIds: string[] = [];

  const api = (path: string, init: ApiInit = {}) => callHubApi(hub, path, token, init);
  const lineFor = async (billerId: string, consumer: Record<string, string>): Promise<Line> => {
    const query = new URLSearchParams(consumer).toString();
    const res = await api(`/billers/${billerId}/bill?${query}`);
    const { bill } = (await res.json()) as {
      bill: {
        billNumber: string;
        amountDueMinor: number;
        earlyPayment?: { until: string; amountMinor: number };
        latePayment?: { from: string; amountMinor: number };
      };
    };
    // What is payable today: the early or late amount while it applies (the water board's rebate).
    const amountMinor = payableToday(bill);
    return { billerId, consumer, billNumber: bill.billNumber, amountMinor };
  };
  const payAndWait = async (lines: Line[]) => {
    const res = await api('/checkouts', { method: 'POST', body: JSON.stringify({ lines }), key: randomUUID() });
    expect(res.status).toBe(201);
    const { payment, checkoutUrl } = (await res.json()) as { payment: PaymentView; checkoutUrl: string };
    paymentIds.push(payment.id);
    await payAtHostedCheckout(checkoutUrl, { method: 'card' });
    for (let i = 0; i < 100; i++) {
      const current = (await (await api(`/payments/${payment.id}`)).json()) as PaymentView;
      if (['completed', 'partially_refunded', 'refunded'].includes(current.status)) return current;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`payment ${payment.id} did not finish`);
  };
  const postingsAt = async (sandbox: string, reference: string) =>
    ((await (await fetch(`${sandbox}/__sandbox/postings?reference=${reference}`)).json()) as { count: number }).count;

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    hub = await startTestHub(idp.issuer, HUB_API, {}, true);
    const rp = await relyingParty(idp, idp.hub);
    token = (
      await login(idp, new Browser([idp.hub.redirectUri]), rp, idp.hub, {
        identifier: '+91 98450 12345',
        to: '+919845012345',
        name: 'Lakshmi Iyer',
        // As the portal asks (PORTAL_SCOPES): profile and phone put the name and number in the hub's token.
        scope: 'openid profile phone bills:read accounts:write payments:read payments:write',
        resource: HUB_API,
      })
    ).tokens.access_token;
  });
  afterEach(async () => {
    const ledger = new Ledger(hub.service.mongo);
    for (const id of paymentIds) expect((await ledger.checkLedger(id)).problems).toEqual([]);
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it('settles every line once with its biller and issues a receipt as JSON and PDF', async () => {
    const lines = [
      await lineFor('state-electricity', { consumerNumber: '1002003004' }),
      await lineFor('city-water', { connectionId: 'W12-004512' }),
      await lineFor('metro-gas', { bpNumber: '5001234567' }),
    ];
    const done = await payAndWait(lines);
    expect(done.status).toBe('completed');
    expect(done.lines.map((l) => l.status)).toEqual(['settled', 'settled', 'settled']);
    const sandboxes = [hub.sandboxes.electricity, hub.sandboxes.water, hub.sandboxes.gas];
    for (const [i, line] of done.lines.entries()) {
      expect(line.billerReference).toBeTruthy();
      expect(await postingsAt(sandboxes[i] as string, line.reference)).toBe(1);
    }

    let receipt: Response | undefined;
    for (let i = 0; i < 30 && receipt?.status !== 200; i++) {
      receipt = await api(`/payments/${done.id}/receipt`);
      if (receipt.status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(await receipt?.json()).toMatchObject({
      paymentId: done.id,
      status: 'completed',
      method: 'card',
      lines: [
        { billerName: 'State Electricity Distribution Co.', consumerMasked: '******3004', status: 'settled' },
        {},
        {},
      ],
    });
    // The citizen signed in with a phone number: the receipt comes by SMS, to that number.
    // The message follows the receipt, so it may take a moment longer.
    let [sms] = await readCaptured(hub.service.redis, '+919845012345');
    for (let i = 0; i < 30 && !sms; i++) {
      await new Promise((r) => setTimeout(r, 100));
      [sms] = await readCaptured(hub.service.redis, '+919845012345');
    }
    expect(sms).toMatchObject({ channel: 'sms', to: '+919845012345' });
    expect(sms?.text).toContain(`Receipt RCT${done.id.slice(3)}`);
    expect(sms?.text).toMatch(/was paid to \S/);
    // Another citizen can see neither the payment nor its receipt.
    const rp = await relyingParty(idp, idp.hub);
    const other = (
      await login(idp, new Browser([idp.hub.redirectUri]), rp, idp.hub, {
        identifier: 'someone.else@example.org',
        scope: 'openid payments:read',
        resource: HUB_API,
      })
    ).tokens.access_token;
    for (const path of [`/payments/${done.id}`, `/payments/${done.id}/receipt`, `/payments/${done.id}/receipt.pdf`]) {
      const res = await fetch(`${hub.url}/api/v1${path}`, { headers: { authorization: `Bearer ${other}` } });
      expect(res.status, path).toBe(404);
    }
    const pdf = await api(`/payments/${done.id}/receipt.pdf`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('refunds the line its biller rejects, settles the others, and the receipt shows both', async () => {
    const lines = [
      // Another consumer than the first test's: that bill is paid, and a second payment of it is refused.
      await lineFor('state-electricity', freshConsumers()().electricity),
      await lineFor('metro-gas', { bpNumber: '5000000007' }),
    ];
    const done = await payAndWait(lines);
    expect(done.status).toBe('partially_refunded');
    expect(done.lines.map((l) => [l.billerId, l.status])).toEqual([
      ['state-electricity', 'settled'],
      ['metro-gas', 'refunded'],
    ]);
    let receipt: { status?: string; settledMinor?: number; refundedMinor?: number } = {};
    for (let i = 0; i < 30 && !receipt.status; i++) {
      const res = await api(`/payments/${done.id}/receipt`);
      if (res.status === 200) receipt = (await res.json()) as typeof receipt;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(receipt).toMatchObject({
      status: 'partially_refunded',
      settledMinor: lines[0]?.amountMinor,
      refundedMinor: lines[1]?.amountMinor,
    });
  });

  it("reconciles the day's payments in the worker's reconcile job: all three sides agree, no case opened", async () => {
    const queue = hub.worker?.queue;
    if (!queue) throw new Error('the test hub runs without its worker');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(new Date());
    const events = new QueueEvents(queue.name, { connection: queue.opts.connection, prefix: queue.opts.prefix });
    try {
      await events.waitUntilReady();
      const job = await queue.add('reconcile', { date: today });
      const result = (await job.waitUntilFinished(events, 60_000)) as {
        date: string;
        payments: number;
        casesOpen: number;
      };
      expect(result.date).toBe(today);
      // The earlier tests' payments: completed and partially refunded, each matched on every side.
      expect(result.payments).toBeGreaterThanOrEqual(paymentIds.length);
      expect(result.casesOpen).toBe(0);
    } finally {
      await events.close();
    }
  });
});
