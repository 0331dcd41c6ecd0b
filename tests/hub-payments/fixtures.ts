import { randomUUID } from 'node:crypto';
import type { Payment } from '../../hub/payments/payment-model.js';
import type { NewPayment, NewPaymentLine, PaymentStore } from '../../hub/payments/payment-store.js';
import { hashRequest } from '../../hub/payments/request-hash.js';

export function newLine(overrides: Partial<NewPaymentLine> = {}): NewPaymentLine {
  return {
    billerId: 'electricity-discom',
    consumer: { consumerNumber: '100200300' },
    consumerMasked: '*****0300',
    billNumber: 'B-1',
    amountMinor: 125_000,
    ...overrides,
  };
}

/** Two bills by default: electricity 1250.00 and water 340.50. */
export function newPayment(overrides: Partial<NewPayment> = {}): NewPayment {
  const lines = overrides.lines ?? [
    newLine(),
    newLine({ billerId: 'water-board', consumer: { connectionId: 'W-77' }, billNumber: 'W-9', amountMinor: 34_050 }),
  ];
  return {
    citizenSub: `citizen-${randomUUID()}`,
    idempotencyKey: randomUUID(),
    requestHash: hashRequest({ lines }),
    lines,
    ...overrides,
  };
}

/** A payment moved through checkout to captured, the way the API and the gateway webhook will. */
export async function capturedPayment(store: PaymentStore, overrides: Partial<NewPayment> = {}): Promise<Payment> {
  const { payment } = await store.create(newPayment(overrides));
  await store.transitionPayment(payment._id, 'created', 'awaiting_payment', 'checkout.started', {
    gateway: { orderId: `order_${payment._id}` },
  });
  const captured = await store.transitionPayment(payment._id, 'awaiting_payment', 'captured', 'gateway.captured', {
    gateway: { method: 'upi', capturedMinor: payment.totalMinor },
  });
  if (!captured) throw new Error('capture failed in the fixture');
  return captured;
}

/** A captured payment whose settlement has started. */
export async function settlingPayment(store: PaymentStore, overrides: Partial<NewPayment> = {}): Promise<Payment> {
  const captured = await capturedPayment(store, overrides);
  const settling = await store.transitionPayment(captured._id, 'captured', 'settling', 'settlement.enqueued');
  if (!settling) throw new Error('settling failed in the fixture');
  return settling;
}

/** A line of a payment the test expects to exist (a null payment fails the test here). */
export function lineOf(payment: Payment | null, index: number) {
  const line = payment?.lines[index];
  if (!line) throw new Error(`payment has no line ${index}`);
  return line;
}
