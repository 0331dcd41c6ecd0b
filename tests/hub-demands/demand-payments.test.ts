import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentRefusedError } from '../../hub/demands/demand-errors.js';
import { DemandStore } from '../../hub/demands/demand-store.js';
import { quoteNext } from '../../hub/demands/payment-rules.js';
import { ConflictError, ValidationError } from '../../infra/errors.js';
import { isolatedMongo } from '../support/isolation.js';
import { BY, hallRent, hallRentInThree, paymentId } from './fixtures.js';

describe('paying a demand', () => {
  let drop: () => Promise<void>;
  let store: DemandStore;
  beforeAll(async () => {
    const mongo = await isolatedMongo('demand_pay');
    drop = mongo.drop;
    store = new DemandStore(mongo.conn);
    await store.init();
  });
  afterAll(() => drop());

  it('a demand with three instalments paid across two checkouts with a late fee applied to the third', async () => {
    const { demand } = await store.create(hallRentInThree(), BY);
    expect(demand.instalments.map((i) => i.amountMinor)).toEqual([1_180_000, 1_180_000, 1_180_000]);

    // Checkout 1, on time: instalments 1 and 2 together.
    const onTime = '2027-01-08';
    expect(quoteNext(demand, onTime, 2).map((q) => q.payableMinor)).toEqual([1_180_000, 1_180_000]);
    const first = await store.recordPayment(demand._id, {
      paymentId: paymentId(),
      instalments: [1, 2],
      amountMinor: 2_360_000,
      paidAt: new Date('2027-01-08T10:00:00+05:30'),
    });
    expect(first.recorded).toBe(true);
    expect(first.demand.status).toBe('partly_paid');
    expect(first.demand.instalments.map((i) => i.status)).toEqual(['paid', 'paid', 'open']);

    // Checkout 2, 71 days after the third's due date: 3 periods of 2 % (₹708) capped at ₹500.
    const late = '2027-05-20';
    const [quote] = quoteNext(first.demand, late);
    expect(quote).toMatchObject({ number: 3, periodsLate: 3, lateFeeMinor: 50_000, payableMinor: 1_230_000 });
    const withoutFee = await store
      .recordPayment(demand._id, {
        paymentId: paymentId(),
        instalments: [3],
        amountMinor: 1_180_000,
        paidAt: new Date(),
        day: late,
      })
      .catch((e: unknown) => e);
    expect(withoutFee).toBeInstanceOf(PaymentRefusedError);
    expect((withoutFee as PaymentRefusedError).reason).toBe('amount_mismatch');
    expect((withoutFee as PaymentRefusedError).expectedMinor).toBe(1_230_000);

    const second = await store.recordPayment(demand._id, {
      paymentId: paymentId(),
      instalments: [3],
      amountMinor: 1_230_000,
      paidAt: new Date('2027-05-20T18:00:00+05:30'),
    });
    expect(second.demand.status).toBe('paid');
    expect(second.demand.instalments[2]).toMatchObject({
      status: 'paid',
      paidMinor: 1_230_000,
      lateFeeMinor: 50_000,
      paidOn: late,
    });
    expect(second.demand.paidMinor).toBe(3_590_000);
    expect(second.demand.payments.map((p) => p.instalments)).toEqual([[1, 2], [3]]);
  });

  it('takes the early discount off a payment made before the discount date, and not after', async () => {
    const earlyDiscount = { off: { kind: 'percent' as const, basisPoints: 150 }, until: '2027-01-05' };
    const { demand } = await store.create(hallRentInThree({ earlyDiscount }), BY);
    const paid = await store.recordPayment(demand._id, {
      paymentId: paymentId(),
      instalments: [1, 2],
      amountMinor: 2 * (1_180_000 - 17_700),
      paidAt: new Date('2027-01-05T23:30:00+05:30'),
    });
    expect(paid.demand.instalments.slice(0, 2).map((i) => [i.discountMinor, i.paidMinor])).toEqual([
      [17_700, 1_162_300],
      [17_700, 1_162_300],
    ]);
    // 2027-01-06 00:10 IST is after the discount date, whatever the server's time zone says.
    const afterDate = await store
      .recordPayment(demand._id, {
        paymentId: paymentId(),
        instalments: [3],
        amountMinor: 1_180_000 - 17_700,
        paidAt: new Date('2027-01-06T00:10:00+05:30'),
      })
      .catch((e: unknown) => e);
    expect((afterDate as PaymentRefusedError).expectedMinor).toBe(1_180_000);
  });

  it('refuses a later instalment before an earlier one', async () => {
    const { demand } = await store.create(hallRentInThree(), BY);
    const error = await store
      .recordPayment(demand._id, {
        paymentId: paymentId(),
        instalments: [2],
        amountMinor: 1_180_000,
        paidAt: new Date(),
        day: '2027-01-05',
      })
      .catch((e: unknown) => e);
    expect((error as PaymentRefusedError).reason).toBe('out_of_order');
    expect((await store.findById(demand._id))?.payments).toEqual([]);
  });

  it('a cancelled demand can no longer be paid', async () => {
    const { demand } = await store.create(hallRent(), BY);
    const cancelled = await store.cancel(demand._id, { actor: 'officer@municipality', reason: 'booking withdrawn' });
    expect(cancelled.demand.status).toBe('cancelled');
    expect(cancelled.demand.instalments[0]?.status).toBe('cancelled');
    expect(quoteNext(cancelled.demand, '2027-01-01')).toEqual([]);
    const error = await store
      .recordPayment(demand._id, {
        paymentId: paymentId(),
        instalments: [1],
        amountMinor: 3_540_000,
        paidAt: new Date(),
        day: '2027-01-01',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentRefusedError);
    expect((error as PaymentRefusedError).reason).toBe('not_payable');
    const stored = await store.findById(demand._id);
    expect(stored).toMatchObject({ status: 'cancelled', paidMinor: 0, payments: [] });
    expect(stored?.audit.map((a) => [a.action, a.reason])).toEqual([
      ['created', undefined],
      ['cancelled', 'booking withdrawn'],
    ]);
  });

  it('counts the same payment recorded twice concurrently once', async () => {
    const { demand } = await store.create(hallRent(), BY);
    const payment = {
      paymentId: paymentId(),
      instalments: [1],
      amountMinor: 3_540_000,
      paidAt: new Date(),
      day: '2027-01-02',
    };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.recordPayment(demand._id, { ...payment })),
    );
    expect(results.filter((r) => r.recorded)).toHaveLength(1);
    const stored = await store.findById(demand._id);
    expect(stored?.payments).toHaveLength(1);
    expect(stored).toMatchObject({ status: 'paid', paidMinor: 3_540_000, version: 1 });
    const again = await store.recordPayment(demand._id, payment);
    expect(again.recorded).toBe(false);
  });

  it('lets only one of two different payments of the same instalment in', async () => {
    const { demand } = await store.create(hallRent(), BY);
    const pay = () =>
      store
        .recordPayment(demand._id, {
          paymentId: paymentId(),
          instalments: [1],
          amountMinor: 3_540_000,
          paidAt: new Date(),
          day: '2027-01-02',
        })
        .then(
          () => 'recorded',
          (e: unknown) => (e as PaymentRefusedError).reason,
        );
    const outcomes = await Promise.all([pay(), pay(), pay()]);
    expect(outcomes.sort()).toEqual(['not_payable', 'not_payable', 'recorded']);
  });

  it('refuses a payment id reused for another amount', async () => {
    const { demand } = await store.create(hallRentInThree(), BY);
    const id = paymentId();
    await store.recordPayment(demand._id, {
      paymentId: id,
      instalments: [1],
      amountMinor: 1_180_000,
      paidAt: new Date(),
      day: '2027-01-02',
    });
    const error = await store
      .recordPayment(demand._id, {
        paymentId: id,
        instalments: [1, 2],
        amountMinor: 2_360_000,
        paidAt: new Date(),
        day: '2027-01-02',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).not.toBeInstanceOf(PaymentRefusedError);
  });

  it('answers a malformed payment with a 400 naming the fields, recording nothing', async () => {
    const { demand } = await store.create(hallRent(), BY);
    const error = await store
      .recordPayment(demand._id, {
        paymentId: '',
        instalments: [1],
        amountMinor: 35_400.5,
        paidAt: new Date(),
        day: '2027-13-01',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details?.fields).toEqual(['paymentId', 'amountMinor', 'day']);
    expect((await store.findById(demand._id))?.version).toBe(0);
  });
});
