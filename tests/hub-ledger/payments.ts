import { Ledger } from '../../hub/ledger/index.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import { lineOf, newPayment } from '../hub-payments/fixtures.js';
import { isolatedMongo } from '../support/isolation.js';

/** Moves one line of a settling payment to settled, the way the settlement job does. */
export async function settleLine(store: PaymentStore, payment: Payment, index: number): Promise<Payment> {
  const line = lineOf(payment, index);
  await store.transitionLine(payment._id, line._id, 'pending', 'posting', 'line.posting');
  const settled = await store.transitionLine(payment._id, line._id, 'posting', 'settled', 'line.settled');
  if (!settled) throw new Error('settle failed in the test');
  return settled;
}

/** Moves one line of a settling payment through failed and refunding to refunded. */
export async function refundLine(store: PaymentStore, payment: Payment, index: number): Promise<Payment> {
  const line = lineOf(payment, index);
  await store.transitionLine(payment._id, line._id, ['pending', 'posting'], 'failed', 'line.failed');
  await store.transitionLine(payment._id, line._id, 'failed', 'refunding', 'refund.requested');
  const refunded = await store.transitionLine(payment._id, line._id, 'refunding', 'refunded', 'refund.done');
  if (!refunded) throw new Error('refund failed in the test');
  return refunded;
}

/** A line whose biller answer was neither acceptance nor rejection. */
export async function unknownLine(store: PaymentStore, payment: Payment, index: number): Promise<Payment> {
  const line = lineOf(payment, index);
  await store.transitionLine(payment._id, line._id, 'pending', 'posting', 'line.posting');
  const unknown = await store.transitionLine(payment._id, line._id, 'posting', 'unknown', 'line.unknown');
  if (!unknown) throw new Error('unknown failed in the test');
  return unknown;
}

/** A payment whose capture did not match (amount or currency): held for an operator, as the capture path does. */
export async function heldPayment(
  store: PaymentStore,
  captured: { capturedMinor: number; capturedCurrency?: string },
): Promise<Payment> {
  const { payment } = await store.create(newPayment());
  await store.transitionPayment(payment._id, 'created', 'awaiting_payment', 'checkout.started', {
    gateway: { orderId: `order_${payment._id}` },
  });
  const held = await store.transitionPayment(payment._id, 'awaiting_payment', 'held', 'payment.held', {
    gateway: { method: 'upi', ...captured },
    hold: { reason: 'capture_mismatch', detail: 'the capture is not the payment total', at: new Date() },
  });
  if (!held) throw new Error('hold failed in the test');
  return held;
}

/** A payment store and a ledger on a database of their own, indexes built; `drop` removes it. */
export async function ledgerTestBed(
  name: string,
): Promise<{ store: PaymentStore; ledger: Ledger; drop: () => Promise<void> }> {
  const mongo = await isolatedMongo(name);
  const store = new PaymentStore(mongo.conn);
  const ledger = new Ledger(mongo.conn);
  await Promise.all([store.init(), ledger.init()]);
  return { store, ledger, drop: mongo.drop };
}
