import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newLineId, newPaymentId, newReference } from '../../hub/payments/ids.js';
import { billKeyOf, type PaymentModel, paymentModel } from '../../hub/payments/payment-model.js';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import { ValidationError } from '../../infra/errors.js';
import { isolatedMongo } from '../support/isolation.js';
import { newLine, newPayment } from './fixtures.js';

function document(amountMinor: unknown, totalMinor: unknown = amountMinor) {
  return {
    _id: newPaymentId(),
    citizenSub: 'citizen-1',
    totalMinor,
    idempotencyKey: 'key-1',
    requestHash: 'hash',
    expiresAt: new Date(Date.now() + 60_000),
    lines: [{ ...newLine(), billKey: billKeyOf(newLine()), amountMinor, _id: newLineId(), reference: newReference() }],
  };
}

async function refusedPaths(Payment: PaymentModel, doc: object): Promise<string[]> {
  const error = await new Payment(doc).validate().catch((e: { errors?: object }) => e);
  return Object.keys((error as { errors?: object } | undefined)?.errors ?? {});
}

describe('the payment schema', () => {
  let drop: () => Promise<void>;
  let Payment: PaymentModel;
  let store: PaymentStore;
  beforeAll(async () => {
    const mongo = await isolatedMongo('pay_schema');
    drop = mongo.drop;
    Payment = paymentModel(mongo.conn);
    store = new PaymentStore(mongo.conn);
    await store.init();
  });
  afterAll(() => drop());

  it('accepts a well-formed payment', async () => {
    expect(await refusedPaths(Payment, document(125_000))).toEqual([]);
  });

  it.each([
    ['a fractional', 10.5],
    ['a negative', -100],
    ['a zero', 0],
    ['a NaN', Number.NaN],
    ['a 1e21', 1e21],
    ['an unsafe (2^53)', 2 ** 53],
    ['a numeric string', '100'],
    ['an Infinity', Number.POSITIVE_INFINITY],
  ])('refuses %s amount on the line and on the total', async (_label, amount) => {
    const paths = await refusedPaths(Payment, document(amount));
    expect(paths).toContain('lines.0.amountMinor');
    expect(paths).toContain('totalMinor');
  });

  it('refuses a total that is not the sum of the lines', async () => {
    expect(await refusedPaths(Payment, document(125_000, 125_001))).toEqual(['totalMinor']);
  });

  it('refuses a payment without lines, an unknown currency and malformed ids', async () => {
    const doc = { ...document(100), lines: [], currency: 'USD', _id: 'PAY123' };
    expect(await refusedPaths(Payment, doc)).toEqual(expect.arrayContaining(['_id', 'currency', 'lines']));
  });

  it('refuses a consumer that is not an object of strings', async () => {
    const doc = document(100);
    for (const consumer of [{}, { n: 5 }, 'C-1', ['C-1']]) {
      const paths = await refusedPaths(Payment, { ...doc, lines: [{ ...doc.lines[0], consumer }] });
      expect(paths).toContain('lines.0.consumer');
    }
  });

  it('turns a refused create into a ValidationError naming the fields and storing nothing', async () => {
    const input = newPayment({ lines: [newLine({ amountMinor: 99.5 })] });
    const error = await store.create(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).status).toBe(400);
    // Checked without building a document (PaymentStore.insert): the path names the field, not the line.
    expect((error as ValidationError).details?.fields).toContain('lines.amountMinor');
    expect((error as ValidationError).message).not.toContain('99.5');
    expect(await Payment.countDocuments({ citizenSub: input.citizenSub })).toBe(0);
  });

  it('refuses a fractional captured amount set by a transition, leaving the payment as it was', async () => {
    const { payment } = await store.create(newPayment());
    await store.transitionPayment(payment._id, 'created', 'awaiting_payment', 'checkout.started');
    const error = await store
      .transitionPayment(payment._id, 'awaiting_payment', 'captured', 'gateway.captured', {
        gateway: { capturedMinor: 1.5 },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((await store.findById(payment._id))?.status).toBe('awaiting_payment');
  });

  it.each([
    ['a captured amount given as text', { gateway: { capturedMinor: '150000' } }, 'gateway.capturedMinor'],
    ['an order id that is a number', { gateway: { orderId: 42 } }, 'gateway.orderId'],
    ['a hold without its reason', { hold: { detail: 'x', at: new Date() } }, 'hold'],
    ['a hold whose time is not a date', { hold: { reason: 'r', detail: 'd', at: '2026-12-01' } }, 'hold'],
  ])('refuses %s in a payment transition, storing nothing', async (_label, set, field) => {
    const { payment } = await store.create(newPayment());
    const error = await store
      .transitionPayment(payment._id, 'created', 'awaiting_payment', 'order_created', set as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details?.fields).toEqual([field]);
    expect((await store.findById(payment._id))?.status).toBe('created');
  });

  it.each([
    ['a biller reference that is an object', { billerReference: { ref: 'x' } }, 'lines.billerReference'],
    ['an enquiry count below zero', { enquiries: -1 }, 'lines.enquiries'],
    ['a next attempt that is not a date', { nextAttemptAt: 'tomorrow' }, 'lines.nextAttemptAt'],
  ])('refuses %s in a line transition, storing nothing', async (_label, set, field) => {
    const { payment } = await store.create(newPayment());
    const line = payment.lines[0]?._id ?? '';
    const error = await store
      .transitionLine(payment._id, line, 'pending', 'failed', 'refused', set as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details?.fields).toEqual([field]);
    expect((await store.findById(payment._id))?.lines[0]?.status).toBe('pending');
  });

  it('stamps updatedAt on every transition, as mongoose timestamps would', async () => {
    const { payment } = await store.create(newPayment());
    expect(payment.updatedAt.getTime()).toBe(payment.createdAt.getTime());
    await store.model.collection.updateOne({ _id: payment._id as never }, { $set: { updatedAt: new Date(0) } });
    const moved = await store.transitionPayment(payment._id, 'created', 'awaiting_payment', 'order_created');
    expect(moved?.updatedAt.getTime()).toBeGreaterThan(0);
    expect(moved?.createdAt.getTime()).toBe(payment.createdAt.getTime());
    expect((await store.model.collection.findOne({ _id: payment._id as never }))?.__v).toBe(0);
  });

  it('gives every line a unique LIN id and HUB reference, and ids of the documented shape', async () => {
    const { payment } = await store.create(newPayment());
    expect(payment._id).toMatch(/^PAY[0-9A-Z]{20}$/);
    for (const line of payment.lines) {
      expect(line._id).toMatch(/^LIN[0-9A-Z]{20}$/);
      expect(line.reference).toMatch(/^HUB[0-9A-Z]{20}$/);
      expect(line).toMatchObject({ status: 'pending', attempts: 0 });
    }
    expect(new Set(payment.lines.map((l) => l.reference)).size).toBe(payment.lines.length);
    expect(payment.totalMinor).toBe(159_050);
    const ttl = payment.expiresAt.getTime() - payment.createdAt.getTime();
    expect(Math.abs(ttl - 30 * 60_000)).toBeLessThan(1_000);
  });
});
