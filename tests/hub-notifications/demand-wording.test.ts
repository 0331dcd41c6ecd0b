import { describe, expect, it } from 'vitest';
import type { Demand } from '../../hub/demands/index.js';
import {
  createRenderer,
  demandAmendedEvent,
  demandCancelledEvent,
  demandReceivedEvent,
  eventKey,
  lineEvent,
  portalLinks,
  receiptConfirmedEvent,
  smsSize,
} from '../../hub/notifications/index.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import { receiptDemandOf } from '../../hub/receipts/receipt-demand.js';
import type { Receipt } from '../../hub/receipts/receipt-model.js';
import { SUPPORTED_LOCALES } from '../../infra/web/locale.js';
import { hallRentLineWithTotal } from '../hub-demands/fixtures.js';
import { firstInstalmentLine, HALL_REF } from '../hub-receipts/demand-line.js';
import { PUBLIC_URL } from './events.js';

const render = createRenderer(portalLinks(PUBLIC_URL));
const REF = HALL_REF;

/** DM-XBEEJ-NADMF-G: 3 × ₹1,180 (₹1,000 + 9 % CGST + 9 % SGST each), ₹50 off an instalment paid by 3 December. */
function hallDemand(overrides: Partial<Demand> = {}): Demand {
  const at = new Date('2026-11-30T08:00:00Z');
  return {
    _id: 'DMD0000000000000000000001',
    reference: REF,
    providerId: 'halls',
    providerName: 'City Community Halls',
    payer: { phone: '+919812345678', email: 'citizen.a@example.in' },
    title: 'Community hall booking',
    currency: 'INR',
    lines: [hallRentLineWithTotal(300_000)],
    totalMinor: 354_000,
    dueDate: '2027-02-04',
    instalments: [
      { number: 1, dueDate: '2026-12-05', amountMinor: 118_000, status: 'open', paidMinor: 0 },
      { number: 2, dueDate: '2027-01-04', amountMinor: 118_000, status: 'open', paidMinor: 0 },
      { number: 3, dueDate: '2027-02-04', amountMinor: 118_000, status: 'open', paidMinor: 0 },
    ],
    earlyDiscount: { off: { kind: 'flat', amountMinor: 5_000 }, until: '2026-12-03' },
    status: 'open',
    paidMinor: 0,
    payments: [],
    audit: [{ at, actor: 'member', action: 'created', changes: [] }],
    version: 0,
    live: true,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  } as Demand;
}

/** The demand after instalment 1 was paid (with the discount) by PAYMENT. */
const PAYMENT = 'PAY01JDQ7M2ZC4KX9T8W3HVBN';
function afterFirstInstalment(): Demand {
  const demand = hallDemand();
  const [first, ...rest] = demand.instalments;
  return hallDemand({
    status: 'partly_paid',
    paidMinor: 113_000,
    instalments: [
      { ...(first as Demand['instalments'][number]), status: 'paid', paidMinor: 113_000, discountMinor: 5_000 },
      ...rest,
    ],
  });
}

/** A checkout receipt of PAYMENT: the demand's first instalment, with the demand facts the service records. */
function demandReceipt(demand: Demand, numbers: number[]): Receipt {
  const at = new Date('2026-11-30T09:00:00Z');
  return {
    _id: `RCT${PAYMENT.slice(3)}`,
    paymentId: PAYMENT,
    citizenSub: 'citizen-a',
    status: 'completed',
    currency: 'INR',
    totalMinor: 113_000,
    settledMinor: 113_000,
    refundedMinor: 0,
    lines: [
      {
        lineId: 'LIN1',
        ...firstInstalmentLine(),
        billerName: 'Payment demands',
        demand: receiptDemandOf(demand, numbers),
      },
    ],
    paidAt: at,
    issuedAt: at,
  };
}

describe('a demand raised in instalments (F13)', () => {
  const event = demandReceivedEvent(hallDemand(), PUBLIC_URL, '2026-11-30');

  it('says which instalment of how many, the total, and the early discount, in every language', () => {
    expect(event).toMatchObject({
      plan: { number: 1, count: 3, totalMinor: 354_000 },
      discount: { amountMinor: 5_000, until: '2026-12-03' },
    });
    if (!event) throw new Error('no event');
    const sms = render(event, 'en', 'sms').text;
    expect(sms).toContain('Rs 1,180.00 (instalment 1 of 3, total Rs 3,540.00) by 5 December 2026');
    expect(sms).toContain('Pay by 3 December 2026 and Rs 50.00 is taken off.');
    expect(sms).not.toMatch(/ {2}/);
    expect(render(event, 'hi', 'sms').text).toContain('कुल ₹3,540.00 की 3 किस्तों में से किस्त 1');
    expect(render(event, 'hi', 'sms').text).toContain('₹50.00 की छूट');
    expect(render(event, 'bn', 'sms').text).toContain('মোট ₹৩,৫৪০.০০-এর ৩টি কিস্তির কিস্তি ১');
    expect(render(event, 'bn', 'sms').text).toContain('₹৫০.০০ ছাড়');
  });

  it("puts the email's pay link on a line of its own, not run into the next sentence", () => {
    if (!event) throw new Error('no event');
    for (const locale of SUPPORTED_LOCALES) {
      const lines = render(event, locale, 'email').text.split('\n');
      const link = lines.find((line) => line.includes(event.payUrl));
      expect(link?.trim().endsWith(event.payUrl), locale).toBe(true);
    }
  });

  it('leaves out a discount whose last day has passed, and the plan of a one-off demand', () => {
    const late = demandReceivedEvent(hallDemand(), PUBLIC_URL, '2026-12-04');
    expect(late?.discount).toBeUndefined();
    const single = hallDemand({
      instalments: [{ number: 1, dueDate: '2027-02-04', amountMinor: 354_000, status: 'open', paidMinor: 0 }],
      earlyDiscount: undefined,
    });
    const one = demandReceivedEvent(single, PUBLIC_URL, '2026-11-30');
    expect(one?.plan).toBeUndefined();
    if (one) expect(render(one, 'en', 'sms').text).toMatch(/pay Rs 3,540\.00 by 4 February 2027, ref DM-/);
  });
});

describe('a demand amended or cancelled (F1)', () => {
  it('an amendment says the new total, the old one, what to pay next, and is keyed on the version', () => {
    const before = hallDemand().lines;
    const amended = hallDemand({
      version: 1,
      totalMinor: 360_000,
      lines: [{ ...(before[0] as Demand['lines'][number]), amountMinor: 306_000, totalMinor: 360_000 }],
      instalments: hallDemand().instalments.map((i) => ({ ...i, amountMinor: 120_000 })),
      audit: [
        ...hallDemand().audit,
        {
          at: new Date(),
          actor: 'member',
          action: 'amended',
          reason: 'Rate revised',
          changes: [{ path: 'lines', before, after: [] }],
        },
      ],
    });
    const event = demandAmendedEvent(amended, PUBLIC_URL);
    expect(event).toMatchObject({ amountMinor: 360_000, previousMinor: 354_000, version: 1, datesChanged: false });
    if (!event) throw new Error('no event');
    expect(eventKey(event)).toBe(`demand_amended|${REF}|v1`);
    expect(eventKey({ ...event, version: 2 })).not.toBe(eventKey(event));
    expect(render(event, 'en', 'sms').text).toContain(
      `City Community Halls changed request ${REF}: total Rs 3,600.00 (was Rs 3,540.00); to pay next: instalment 1 of 3, Rs 1,200.00, due 5 December 2026.`,
    );
    for (const locale of SUPPORTED_LOCALES) {
      const email = render(event, locale, 'email');
      expect(email.subject).toContain(REF);
      expect(email.text).toContain(`${PUBLIC_URL}/demands/${REF}`);
    }
    expect(render(event, 'hi', 'email').text).toContain('नई कुल राशि: ₹3,600.00 (पहले ₹3,540.00)');
    expect(render(event, 'bn', 'email').text).toContain('নতুন মোট: ₹৩,৬০০.০০ (আগে ছিল ₹৩,৫৪০.০০)');
  });

  it('a cancellation says there is nothing to pay and a payment in flight is refunded; what was paid is named', () => {
    const cancelled = {
      ...afterFirstInstalment(),
      status: 'cancelled' as const,
      version: 2,
      instalments: afterFirstInstalment().instalments.map((i) =>
        i.status === 'open' ? { ...i, status: 'cancelled' as const } : i,
      ),
    };
    const event = demandCancelledEvent(cancelled, PUBLIC_URL);
    expect(event).toMatchObject({ amountMinor: 236_000, paidMinor: 113_000, version: 2 });
    if (!event) throw new Error('no event');
    const sms = render(event, 'en', 'sms').text;
    expect(sms).toContain(`City Community Halls cancelled payment request ${REF} (Rs 2,360.00). You need not pay it.`);
    expect(sms).toContain('You had already paid Rs 1,130.00: ask City Community Halls about it.');
    expect(render(event, 'hi', 'sms').text).toContain('आपको इसका भुगतान नहीं करना है');
    expect(render(event, 'bn', 'sms').text).toContain('আপনাকে এটি মেটাতে হবে না');
  });
});

describe('the payment confirmation of a demand (F2)', () => {
  it('names the provider, the demand reference and what is left: instalments, amount and next due date', () => {
    const event = receiptConfirmedEvent(demandReceipt(afterFirstInstalment(), [1]));
    expect(event).toMatchObject({
      payees: ['City Community Halls'],
      demands: [{ reference: REF, instalments: [1], remaining: { count: 2, amountMinor: 236_000 } }],
    });
    const sms = render(event, 'en', 'sms').text;
    expect(sms).toContain('BillPay: your payment of Rs 1,130.00 was paid to City Community Halls.');
    expect(sms).toContain(
      `Request ${REF} from City Community Halls: 2 instalments (Rs 2,360.00) left, next due 4 January 2027.`,
    );
    expect(sms).not.toContain('every');
    expect(smsSize(sms).segments).toBeLessThanOrEqual(3);
    const hi = render(event, 'hi', 'sms').text;
    expect(hi).toContain('City Community Halls को चुका दिया गया');
    expect(hi).toContain('2 किस्तें (₹2,360.00) बाकी');
    expect(hi).not.toContain('हर कंपनी');
    const bn = render(event, 'bn', 'sms').text;
    expect(bn).toContain('City Community Halls-কে মেটানো হয়েছে');
    expect(bn).toContain('২টি কিস্তি (₹২,৩৬০.০০) বাকি');
    expect(bn).not.toContain('প্রতিটি সংস্থা');
    for (const locale of SUPPORTED_LOCALES) {
      expect(render(event, locale, 'email').text, locale).toContain(REF);
      expect(smsSize(render(event, locale, 'sms').text).segments, locale).toBeLessThanOrEqual(6);
    }
  });

  it('says "paid in full" when nothing is left', () => {
    const paid = hallDemand({
      status: 'paid',
      instalments: hallDemand().instalments.map((i) => ({ ...i, status: 'paid' as const, paidMinor: i.amountMinor })),
    });
    const event = receiptConfirmedEvent(demandReceipt(paid, [1, 2, 3]));
    expect(render(event, 'en', 'sms').text).toContain(`Request ${REF} from City Community Halls is paid in full.`);
    expect(render(event, 'hi', 'sms').text).toContain('पूरा चुका दिया गया है');
    expect(render(event, 'bn', 'sms').text).toContain('পুরো মেটানো হয়েছে');
  });
});

describe('the refund of a cancelled demand (F14)', () => {
  const payment = {
    _id: PAYMENT,
    citizenSub: 'citizen-a',
    currency: 'INR',
    lines: [{ _id: 'LIN1', billerId: 'payment-demands', billNumber: `${REF}/1`, amountMinor: 50_000 }],
  } as unknown as Payment;
  const demand = { reference: REF, providerName: 'City Community Halls', cancelled: true };
  const context = { billerName: () => 'Payment demands', confirmWithinMs: 0, demand };

  it('names the provider and the cancelled request, and never invites paying again, in every language', () => {
    for (const news of ['refund_started', 'refunded'] as const) {
      const event = lineEvent(payment, 'LIN1', news, context);
      if (!event) throw new Error('no event');
      for (const locale of SUPPORTED_LOCALES) {
        for (const channel of ['sms', 'email'] as const) {
          const text = render(event, locale, channel).text;
          const where = `${news} ${locale} ${channel}`;
          expect(text, where).toContain('City Community Halls');
          expect(text, where).toContain(REF);
          expect(text, where).not.toContain('Payment demands');
          expect(text, where).not.toContain('/dashboard');
        }
      }
      expect(render(event, 'en', 'sms').text).toContain('cancelled request');
      expect(render(event, 'hi', 'sms').text).not.toContain('बिल अब भी बकाया');
    }
  });

  it('a refund of a demand still open names the provider, not the generic biller', () => {
    const event = lineEvent(payment, 'LIN1', 'refund_started', { ...context, demand: { ...demand, cancelled: false } });
    if (!event) throw new Error('no event');
    expect(render(event, 'en', 'sms').text).toContain('BillPay: City Community Halls did not accept Rs 500.00');
  });
});
