import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AutopayGateway } from '../../hub/autopay/index.js';
import { CheckoutService } from '../../hub/checkout/checkout-service.js';
import { GatewayUnavailableError } from '../../hub/gateway/index.js';
import { payAtHostedCheckout } from '../support/hosted-checkout.js';
import { type AutopayHarness, DAY, HOUR, startAutopayHarness } from './harness.js';

let h: AutopayHarness;
beforeAll(async () => {
  h = await startAutopayHarness('autopay_charges');
});
afterAll(() => h.close());

const at = (t0: Date, ms: number) => new Date(t0.getTime() + ms);
const paymentsOf = (sub: string) => h.payments.model.find({ citizenSub: sub }).lean().exec();

describe('autopay debits', () => {
  it('an autopay charge goes out after its pre-debit notice, at least 24 hours later', async () => {
    const who = await h.citizen(10_000, 10);
    const autopay = await h.turnOn(who, 50_000);
    expect(autopay.status).toBe('active');
    const t0 = new Date();

    expect((await h.scan(t0)).noticed).toBe(1);
    const [notice] = h.messagesTo(who);
    expect(notice?.text).toContain('autopay will pay Rs 100.00');
    expect(notice?.text).toContain(who.bill.billNumber);
    expect(notice?.text).toContain('https://billpay.example.gov.in/autopay');

    // A minute short of 24 hours: nothing is debited yet.
    expect((await h.charge(at(t0, DAY - 60_000))).charged).toBe(0);
    expect(await paymentsOf(who.sub)).toHaveLength(0);

    expect((await h.charge(at(t0, DAY))).charged).toBe(1);
    const [charge] = await h.store.listCharges(autopay._id);
    expect(charge).toMatchObject({ status: 'charged', amountMinor: 10_000 });
    expect((charge?.chargeAt.getTime() ?? 0) - (charge?.noticeSentAt?.getTime() ?? Infinity)).toBeGreaterThanOrEqual(
      DAY,
    );
    // One payment of the one bill, through the ordinary checkout, captured on the mandate and settling.
    const payment = await h.payments.findById(charge?.paymentId ?? '');
    expect(payment).toMatchObject({ status: 'settling', totalMinor: 10_000, gateway: { method: 'netbanking' } });
    expect(payment?.lines).toHaveLength(1);
    expect(payment?.lines[0]?.billNumber).toBe(who.bill.billNumber);
    expect(h.settlementStarts).toContain(payment?._id);
    const order = await h.client.getOrder(payment?.gateway?.orderId ?? '');
    expect(order).toMatchObject({ status: 'captured', capturedMinor: 10_000, paymentId: payment?._id });
  });

  it('a bill over the autopay limit is notified and not paid', async () => {
    const who = await h.citizen(25_000, 10);
    const autopay = await h.turnOn(who, 20_000);
    const t0 = new Date();

    expect((await h.scan(t0)).overLimit).toBe(1);
    await h.scan(at(t0, HOUR));
    await h.charge(at(t0, 3 * DAY));

    const messages = h.messagesTo(who);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toContain('above your autopay limit of Rs 200.00');
    expect(messages[0]?.text).toContain(who.bill.billNumber);
    expect(messages[0]?.text).toContain('Pay it yourself at https://billpay.example.gov.in/dashboard');
    expect(await h.store.listCharges(autopay._id)).toMatchObject([{ status: 'over_limit', amountMinor: 25_000 }]);
    expect(await paymentsOf(who.sub)).toHaveLength(0);
  });

  it('a re-run of the scheduler, or two at once, notices and charges each bill once', async () => {
    const who = await h.citizen(12_300, 10);
    const autopay = await h.turnOn(who, 50_000);
    const t0 = new Date();

    await Promise.all([h.scan(t0), h.scan(t0)]);
    await h.scan(at(t0, HOUR));
    await Promise.all([h.charge(at(t0, DAY)), h.charge(at(t0, DAY))]);
    await h.charge(at(t0, 2 * DAY));
    await h.scan(at(t0, 2 * DAY));

    expect(await h.store.listCharges(autopay._id)).toHaveLength(1);
    expect(h.messagesTo(who).filter((m) => m.text.includes('autopay will pay'))).toHaveLength(1);
    const payments = await paymentsOf(who.sub);
    expect(payments).toHaveLength(1);
    const orders = await h.gw.api('GET', `/__sandbox/webhooks?order=${payments[0]?.gateway?.orderId}`);
    const deliveries = ((await orders.json()) as { deliveries: { type: string }[] }).deliveries;
    expect(deliveries.filter((d) => d.type === 'order.captured')).toHaveLength(1);
  });

  it('a bill paid by the citizen before the debit is not debited', async () => {
    const who = await h.citizen(9_900, 10);
    const autopay = await h.turnOn(who, 50_000);
    const t0 = new Date();
    await h.scan(t0);
    // The citizen pays it themselves at the hosted checkout before the debit is due.
    const checkout = new CheckoutService(h.payments, h.deps.bills, h.client, h.deps.checkout, {
      capture: h.deps.capture,
    });
    const own = await checkout.checkout(who.sub, `self-${who.consumerNumber}`, {
      lines: [{ accountId: who.accountId, billNumber: who.bill.billNumber, amountMinor: 9_900 }],
    });
    await payAtHostedCheckout(own.checkoutUrl);
    expect((await h.deps.capture.sync(own.payment)).status).toBe('settling');

    await h.charge(at(t0, DAY));
    const [after] = await h.store.listCharges(autopay._id);
    expect(after?.status).toBe('skipped');
    expect(after?.reason).toBe('paid');
    expect(await h.payments.model.countDocuments({ citizenSub: who.sub, idempotencyKey: /^autopay-/ })).toBe(0);
  });

  it('an unknown charge outcome is resolved by asking the gateway, not refunded and not charged again', async () => {
    const who = await h.citizen(15_000, 10);
    const autopay = await h.turnOn(who, 50_000);
    const t0 = new Date();
    await h.scan(t0);
    // The debit is made at the gateway, but its answer never reaches the hub (a timeout).
    const real = h.deps.gateway;
    let charges = 0;
    const lossy: AutopayGateway = Object.assign(Object.create(real) as AutopayGateway, {
      chargeMandate: async (input: Parameters<AutopayGateway['chargeMandate']>[0]) => {
        charges += 1;
        await real.chargeMandate(input);
        throw new GatewayUnavailableError('sandbox gateway POST charges: timeout of 5000ms exceeded');
      },
    });
    h.deps.gateway = lossy;
    try {
      await h.charge(at(t0, DAY));
    } finally {
      h.deps.gateway = real;
    }
    const [unknown] = await h.store.listCharges(autopay._id);
    expect(unknown).toMatchObject({ status: 'unknown', reason: 'gateway_unavailable' });
    // Too early to ask: an enquiry waits AUTOPAY_ENQUIRY_DELAY_MS.
    await h.charge(at(t0, DAY + 1_000));
    expect((await h.store.listCharges(autopay._id))[0]?.status).toBe('unknown');

    await h.charge(at(t0, DAY + h.deps.options.enquiryDelayMs + 1_000));
    const [resolved] = await h.store.listCharges(autopay._id);
    expect(resolved?.status).toBe('charged');
    const payment = await h.payments.findById(resolved?.paymentId ?? '');
    expect(payment).toMatchObject({ status: 'settling', totalMinor: 15_000 });
    expect(charges).toBe(1);
    expect(await h.client.listRefunds(payment?.gateway?.orderId ?? '')).toEqual([]);
    expect(h.messagesTo(who).filter((m) => m.text.includes('did not pay'))).toHaveLength(0);
  });

  it('an unknown charge the gateway never made is resolved as not charged, the citizen told, and nothing refunded', async () => {
    const who = await h.citizen(16_000, 10);
    const autopay = await h.turnOn(who, 50_000);
    const t0 = new Date();
    await h.scan(t0);
    const real = h.deps.gateway;
    h.deps.gateway = Object.assign(Object.create(real) as AutopayGateway, {
      chargeMandate: async () => {
        throw new GatewayUnavailableError('sandbox gateway POST charges: connect ECONNRESET');
      },
    });
    try {
      await h.charge(at(t0, DAY));
    } finally {
      h.deps.gateway = real;
    }
    await h.charge(at(t0, DAY + h.deps.options.enquiryDelayMs + 1_000));

    const [charge] = await h.store.listCharges(autopay._id);
    expect(charge).toMatchObject({ status: 'failed', reason: 'not_charged' });
    const told = h.messagesTo(who).filter((m) => m.text.includes('autopay did not pay'));
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toContain('the debit could not be made');
    expect(await h.client.findMandateCharge(autopay.mandate?.mandateId ?? '', charge?.paymentId ?? '')).toBeUndefined();
  });

  it('a debit the bank declines fails, and the citizen is told to pay the bill', async () => {
    const who = await h.citizen(11_000, 10);
    const autopay = await h.turnOn(who, 50_000);
    await h.gw.api('POST', '/__sandbox/faults', {
      mandate: autopay.mandate?.mandateId,
      kind: 'mandate_charge',
      outcome: 'failure',
    });
    const t0 = new Date();
    await h.scan(t0);
    await h.charge(at(t0, DAY));
    const [charge] = await h.store.listCharges(autopay._id);
    expect(charge).toMatchObject({ status: 'failed', reason: 'declined' });
    expect((await h.payments.findById(charge?.paymentId ?? ''))?.status).toBe('failed');
    expect(h.messagesTo(who).some((m) => m.text.includes('your bank declined the debit'))).toBe(true);
  });

  it('a bill whose amount changed after the notice is not debited, and the citizen is told', async () => {
    const who = await h.citizen(13_000, 10);
    const autopay = await h.turnOn(who, 50_000);
    const t0 = new Date();
    await h.scan(t0);
    who.bill = { ...who.bill, amountDueMinor: 14_000 };
    await h.charge(at(t0, DAY));
    expect(await h.store.listCharges(autopay._id)).toMatchObject([{ status: 'skipped', reason: 'bill_changed' }]);
    expect(await paymentsOf(who.sub)).toHaveLength(0);
    expect(h.messagesTo(who).some((m) => m.text.includes('the bill changed after our notice'))).toBe(true);
  });
});
