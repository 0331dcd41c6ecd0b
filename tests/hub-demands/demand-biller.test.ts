import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import paymentDemands, { descriptor, indianDay } from '../../adapters/payment-demands/index.js';
import { amountOptionProblems } from '../../adapters/sdk/amount-options.js';
import { checkAmount, payableOn } from '../../adapters/sdk/amount-rules.js';
import type { BillerOperations, ConsumerRef, PaymentPosting } from '../../adapters/sdk/contract.js';
import {
  BillerRejectedError,
  BillerUnavailableError,
  ConsumerNotFoundError,
  InvalidConsumerNumberError,
} from '../../adapters/sdk/errors.js';
import { demandBillerPort, lateDemandBillerPort } from '../../hub/demands/demand-biller-port.js';
import { DemandStore } from '../../hub/demands/demand-store.js';
import { isolatedMongo } from '../support/isolation.js';
import { BY, hallRent, hallRentInThree, paymentId } from './fixtures.js';

const consumerOf = (reference: string): ConsumerRef => ({ demandReference: reference });
const posting = (reference: string, billNumber: string, amountMinor: number, at = new Date()): PaymentPosting => ({
  reference: paymentId(),
  consumer: consumerOf(reference),
  billNumber,
  amountMinor,
  paidAt: at.toISOString(),
});

/** Twelve monthly instalments of ₹1,000 from 2027-01-10, no fees: the "known consumer" of the contract cases. */
const monthly = () =>
  hallRent({
    lines: [{ description: 'Society maintenance', amountMinor: 1_200_000, taxMinor: 0, taxes: [] }],
    dueDate: '2027-12-10',
    instalments: Array.from({ length: 12 }, (_, k) => ({
      dueDate: `2027-${String(k + 1).padStart(2, '0')}-10`,
      amountMinor: 100_000,
    })),
  });

// What of runAdapterContract applies to an in-process biller is below, case by case; its fault
// cases (5xx injected at a sandbox, latency past an HTTP timeout, pending-then-accept) have no
// counterpart: the demand store answers or throws, and a throw is tested as unavailable.
describe('the payment-demands biller (in-process, over the demand store)', () => {
  let drop: () => Promise<void>;
  let store: DemandStore;
  let adapter: BillerOperations;
  beforeAll(async () => {
    const mongo = await isolatedMongo('demand_biller');
    drop = mongo.drop;
    store = new DemandStore(mongo.conn);
    await store.init();
    adapter = paymentDemands.create(paymentDemands.options.parse({}), {
      services: { demands: demandBillerPort(store) },
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(() => drop());

  it('bills the next open instalment in integer paise, masked, its breakup adding up', async () => {
    const { demand } = await store.create(monthly(), BY);
    const bill = await adapter.fetchBill(consumerOf(demand.reference));
    expect(bill).toMatchObject({
      billNumber: `${demand.reference}/1`,
      dueDate: '2027-01-10',
      amountDueMinor: 100_000,
      currency: 'INR',
    });
    expect(bill.customerName).toBe('*********3210');
    expect(bill.breakup.reduce((sum, line) => sum + line.amountMinor, 0)).toBe(bill.amountDueMinor);
    // One amount option per open instalment: the next 1..12.
    expect(bill.amountOptions?.map((o) => o.amountMinor)).toEqual(
      Array.from({ length: 12 }, (_, k) => (k + 1) * 100_000),
    );
    expect(amountOptionProblems(bill)).toEqual([]);
  });

  it('says an unknown reference is not found, and refuses a malformed one before reading anything', async () => {
    await expect(adapter.fetchBill(consumerOf('DM-7K2QX-9ZT4M-R'))).rejects.toBeInstanceOf(ConsumerNotFoundError);
    const error = await adapter.fetchBill(consumerOf('DM-123')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidConsumerNumberError);
  });

  it('takes exactly the amount due (EXACT), no more and no less', async () => {
    const { demand } = await store.create(monthly(), BY);
    const bill = await adapter.fetchBill(consumerOf(demand.reference));
    const day = indianDay(new Date());
    expect(descriptor.exactness).toBe('EXACT');
    expect(checkAmount(bill, descriptor.exactness, payableOn(bill, day), day).ok).toBe(true);
    expect(checkAmount(bill, descriptor.exactness, bill.amountDueMinor + 1, day).ok).toBe(false);
    expect(checkAmount(bill, descriptor.exactness, bill.amountDueMinor - 1, day).ok).toBe(false);
  });

  it('a demand 41 days late is billed with its late fee in the breakup', async () => {
    const { demand } = await store.create(hallRentInThree(), BY);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-02-20T06:00:00Z'));
    const bill = await adapter.fetchBill(consumerOf(demand.reference));
    // 2 % of ₹11,800 per 30 days or part: 41 days late is 2 periods, ₹472.
    expect(bill).toMatchObject({
      billNumber: `${demand.reference}/1`,
      dueDate: '2027-01-10',
      amountDueMinor: 1_227_200,
    });
    expect(bill.breakup).toEqual([
      { label: 'Instalment 1 of 3', amountMinor: 1_180_000 },
      { label: 'Late fee', amountMinor: 47_200 },
    ]);
    const paid = await adapter.postPayment(
      posting(demand.reference, bill.billNumber, bill.amountDueMinor, new Date('2027-02-20T06:05:00Z')),
    );
    expect(paid.status).toBe('accepted');
    const after = await store.findById(demand._id);
    expect(after?.instalments[0]).toMatchObject({ status: 'paid', paidMinor: 1_227_200, lateFeeMinor: 47_200 });
  });

  it('an early-payment discount shows as a negative line and is what the payer pays', async () => {
    const { demand } = await store.create(
      hallRent({ earlyDiscount: { off: { kind: 'percent', basisPoints: 150 }, until: '2027-01-05' } }),
      BY,
    );
    const bill = await adapter.fetchBill(consumerOf(demand.reference));
    // 1.5 % of ₹35,400 = ₹531 off.
    expect(bill.amountDueMinor).toBe(3_540_000 - 53_100);
    expect(bill.breakup).toContainEqual({ label: 'Early-payment discount', amountMinor: -53_100 });
    expect(bill.breakup.reduce((sum, line) => sum + line.amountMinor, 0)).toBe(bill.amountDueMinor);
  });

  it('posts an instalment once however often the same reference is posted (twice at once)', async () => {
    const { demand } = await store.create(monthly(), BY);
    const bill = await adapter.fetchBill(consumerOf(demand.reference));
    const p = posting(demand.reference, bill.billNumber, bill.amountDueMinor);
    const [first, second] = await Promise.all([adapter.postPayment(p), adapter.postPayment(p)]);
    const third = await adapter.postPayment(p);
    expect(first.status).toBe('accepted');
    expect(second.billerReference).toBe(first.billerReference);
    expect(third.billerReference).toBe(first.billerReference);
    const after = await store.findById(demand._id);
    expect(after?.payments.filter((x) => x.paymentId === p.reference)).toHaveLength(1);
    expect(after?.instalments.map((i) => i.status).slice(0, 2)).toEqual(['paid', 'open']);
    // The next bill is the next instalment.
    expect((await adapter.fetchBill(consumerOf(demand.reference))).billNumber).toBe(`${demand.reference}/2`);
  });

  it("reports a posting's status from the demand's recorded payments, and not_found for an unknown one", async () => {
    const { demand } = await store.create(monthly(), BY);
    const bill = await adapter.fetchBill(consumerOf(demand.reference));
    const p = posting(demand.reference, bill.billNumber, bill.amountDueMinor);
    const posted = await adapter.postPayment(p);
    expect(await adapter.paymentStatus(p.reference)).toMatchObject({
      reference: p.reference,
      status: 'accepted',
      billerReference: posted.billerReference,
    });
    expect((await adapter.paymentStatus(paymentId())).status).toBe('not_found');
    expect((await adapter.paymentStatus(' ')).status).toBe('not_found');
  });

  it('a cancelled demand has no bill and refuses a payment for good (so settlement refunds it)', async () => {
    const { demand } = await store.create(monthly(), BY);
    const bill = await adapter.fetchBill(consumerOf(demand.reference));
    await store.cancel(demand._id, { actor: BY.actor, reason: 'hall booking withdrawn' });
    const fetched = await adapter.fetchBill(consumerOf(demand.reference)).catch((e: unknown) => e);
    expect(fetched).toBeInstanceOf(ConsumerNotFoundError);
    expect((fetched as ConsumerNotFoundError).billerCode).toBe('NO_BILL_DUE');
    const p = posting(demand.reference, bill.billNumber, bill.amountDueMinor);
    const error = await adapter.postPayment(p).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillerRejectedError);
    expect((error as BillerRejectedError).retryable).toBe(false);
    expect((error as BillerRejectedError).billerCode).toBe('NOT_PAYABLE');
    expect((await adapter.paymentStatus(p.reference)).status).toBe('not_found');
  });

  it('refuses an amount other than the instalment costs, and an instalment out of order, for good', async () => {
    const { demand } = await store.create(monthly(), BY);
    const bill = await adapter.fetchBill(consumerOf(demand.reference));
    const short = await adapter
      .postPayment(posting(demand.reference, bill.billNumber, bill.amountDueMinor - 100))
      .catch((e: unknown) => e);
    expect((short as BillerRejectedError).billerCode).toBe('AMOUNT_MISMATCH');
    const skipped = await adapter
      .postPayment(posting(demand.reference, `${demand.reference}/3`, bill.amountDueMinor))
      .catch((e: unknown) => e);
    expect((skipped as BillerRejectedError).billerCode).toBe('OUT_OF_ORDER');
    const otherDemand = await adapter
      .postPayment(posting(demand.reference, 'DM-7K2QX-9ZT4M-R/1', bill.amountDueMinor))
      .catch((e: unknown) => e);
    expect(otherDemand).toBeInstanceOf(BillerRejectedError);
    expect((await store.findById(demand._id))?.payments).toHaveLength(0);
  });

  it('posts the amount of an option as that many instalments in one payment, and reports it so to status and reconciliation', async () => {
    const { demand } = await store.create(monthly(), BY);
    const bill = await adapter.fetchBill(consumerOf(demand.reference));
    const three = bill.amountOptions?.find((o) => o.code === 'instalments-3');
    expect(three).toMatchObject({ label: 'Instalments 1-3 of 12', amountMinor: 300_000 });
    const p = posting(demand.reference, bill.billNumber, 300_000);
    const posted = await adapter.postPayment(p);
    expect(posted).toMatchObject({ status: 'accepted', billerReference: `${demand.reference}/1+2+3` });
    // A repeat of the posting answers the same, though those instalments are not open any more.
    expect(await adapter.postPayment(p)).toEqual(posted);
    const after = await store.findById(demand._id);
    expect(after?.instalments.map((i) => i.status).slice(0, 4)).toEqual(['paid', 'paid', 'paid', 'open']);
    expect(after?.payments).toMatchObject([{ paymentId: p.reference, instalments: [1, 2, 3], amountMinor: 300_000 }]);
    expect(await adapter.paymentStatus(p.reference)).toMatchObject({
      status: 'accepted',
      billerReference: posted.billerReference,
    });
    const entries = (await adapter.collectionReport?.(indianDay(new Date()))) ?? [];
    expect(entries.filter((e) => e.reference === p.reference)).toEqual([
      expect.objectContaining({
        billNumber: bill.billNumber,
        amountMinor: 300_000,
        billerReference: posted.billerReference,
      }),
    ]);
    // The next bill starts at the fourth, and its first bill number's posting is now out of order.
    expect((await adapter.fetchBill(consumerOf(demand.reference))).billNumber).toBe(`${demand.reference}/4`);
    const again = await adapter
      .postPayment(posting(demand.reference, bill.billNumber, 100_000))
      .catch((e: unknown) => e);
    expect((again as BillerRejectedError).billerCode).toBe('OUT_OF_ORDER');
  });

  it("a posting paid just after midnight is checked against its checkout day's amounts (billedOn), not the next day's late fee", async () => {
    const { demand } = await store.create(hallRentInThree(), BY);
    const bill = { billNumber: `${demand.reference}/1`, amountDueMinor: 1_180_000 };
    // Checked out on the due date (10 January); captured at 00:10 IST on the 11th, when a late fee applies.
    const captured = new Date('2027-01-10T18:40:00Z');
    const late = await adapter
      .postPayment(posting(demand.reference, bill.billNumber, bill.amountDueMinor, captured))
      .catch((e: unknown) => e);
    expect((late as BillerRejectedError).billerCode).toBe('AMOUNT_MISMATCH');
    const p = { ...posting(demand.reference, bill.billNumber, bill.amountDueMinor, captured), billedOn: '2027-01-10' };
    expect((await adapter.postPayment(p)).status).toBe('accepted');
    const after = await store.findById(demand._id);
    expect(after?.instalments[0]).toMatchObject({
      status: 'paid',
      paidMinor: 1_180_000,
      lateFeeMinor: 0,
      paidOn: '2027-01-10',
    });
    expect(after?.payments).toMatchObject([{ paymentId: p.reference, day: '2027-01-10' }]);
  });

  it('refuses for good an amount between two options, recording nothing', async () => {
    const { demand } = await store.create(monthly(), BY);
    const bill = await adapter.fetchBill(consumerOf(demand.reference));
    const error = await adapter
      .postPayment(posting(demand.reference, bill.billNumber, 150_000))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillerRejectedError);
    expect((error as BillerRejectedError).billerCode).toBe('AMOUNT_MISMATCH');
    expect((await store.findById(demand._id))?.payments).toEqual([]);
  });

  it('is unavailable (retryable, never a refusal) without a demand store, and until a late port is bound', async () => {
    const { demand } = await store.create(monthly(), BY);
    const unserved = paymentDemands.create(paymentDemands.options.parse({}), {});
    const bill = await adapter.fetchBill(consumerOf(demand.reference));
    const p = posting(demand.reference, bill.billNumber, bill.amountDueMinor);
    await expect(unserved.postPayment(p)).rejects.toBeInstanceOf(BillerUnavailableError);
    // No collection file to offer where demands are not served: reconciliation skips it.
    expect(unserved.collectionReport).toBeUndefined();

    const late = lateDemandBillerPort();
    const bound = paymentDemands.create(paymentDemands.options.parse({}), { services: { demands: late } });
    const error = await bound.postPayment(p).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillerUnavailableError);
    expect((error as BillerUnavailableError).retryable).toBe(true);
    late.bind(store);
    expect((await bound.postPayment(p)).status).toBe('accepted');
  });

  it('gives up on a demand store that does not answer within the timeout, as unavailable', async () => {
    const silent = new Promise<never>(() => {});
    const hanging = paymentDemands.create(paymentDemands.options.parse({ timeoutMs: 50, retries: 1 }), {
      services: {
        demands: {
          nextInstalment: () => silent,
          pay: () => silent,
          paymentOf: () => silent,
          recordedOn: () => silent,
        },
      },
    });
    const error = await hanging.fetchBill(consumerOf('DM-7K2QX-9ZT4M-R')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillerUnavailableError);
    expect((error as BillerUnavailableError).retryable).toBe(true);
  });

  it("lists the day's recorded instalment payments as its collection file, for reconciliation", async () => {
    const { demand } = await store.create(monthly(), BY);
    const bill = await adapter.fetchBill(consumerOf(demand.reference));
    const p = posting(demand.reference, bill.billNumber, bill.amountDueMinor);
    const posted = await adapter.postPayment(p);
    const entries = (await adapter.collectionReport?.(indianDay(new Date()))) ?? [];
    expect(entries.find((e) => e.reference === p.reference)).toMatchObject({
      billerReference: posted.billerReference,
      consumer: { demandReference: demand.reference },
      billNumber: bill.billNumber,
      amountMinor: bill.amountDueMinor,
    });
    expect(await adapter.collectionReport?.('2020-01-01')).toEqual([]);
  });
});
