import type { BillerRegistry } from '../../../adapters/registry/index.js';
import { createNotifications, type Notifications } from '../../../hub/notifications/index.js';
import { type Payment, PaymentStore } from '../../../hub/payments/index.js';
import { ReceiptService } from '../../../hub/receipts/receipt-service.js';
import type { Logger } from '../../../infra/logger.js';
import type { Connection } from '../../../infra/mongo.js';
import type { Notifier } from '../../../infra/notifier/index.js';
import { lineOf, newLine, settlingPayment } from '../../hub-payments/fixtures.js';
import { isolatedMongo } from '../../support/isolation.js';

/** A registry that knows no biller: the receipts these tests issue need none. */
const billers = { get: () => undefined } as unknown as BillerRegistry;

export interface ReceiptStores {
  conn: Connection;
  payments: PaymentStore;
  receipts: ReceiptService;
  /** Drops the database and closes its connection. */
  drop: () => Promise<void>;
}

/**
 * Starts the payment store and the receipt service (with a registry of no billers) on a database
 * of their own, named after `label`, and resolves once both have built their indexes.
 */
export async function startReceiptStores(label: string): Promise<ReceiptStores> {
  const mongo = await isolatedMongo(label);
  const payments = new PaymentStore(mongo.conn);
  const receipts = new ReceiptService(mongo.conn, billers);
  await Promise.all([payments.init(), receipts.init()]);
  return { conn: mongo.conn, payments, receipts, drop: mongo.drop };
}

/** Stores a payment whose one line (50_000 in minor units) was posted and settled, completes it, and returns it completed. */
export async function completedPayment(payments: PaymentStore): Promise<Payment> {
  const p = await settlingPayment(payments, { lines: [newLine({ amountMinor: 50_000 })] });
  const id = lineOf(p, 0)._id;
  await payments.transitionLine(p._id, id, 'pending', 'posting', 'posting');
  await payments.transitionLine(p._id, id, 'posting', 'settled', 'settled', { billerReference: 'EB-1' });
  const final = await payments.settleCompletion(p._id);
  if (!final) throw new Error('not final');
  return final;
}

/**
 * The citizen's messages on `conn`, sent at once through `notifier` (no queue): every citizen has
 * `phone` as their verified contact, or no contact at all without it.
 */
export function phoneNotifications(
  conn: Connection,
  log: Logger,
  phone?: string,
  notifier: Pick<Notifier, 'send'> = { send: async () => undefined },
): Notifications {
  return createNotifications({
    conn,
    log,
    publicUrl: 'https://billpay.example.in',
    contacts: { find: async (sub) => (phone ? { _id: sub, phone, updatedAt: new Date() } : null) },
    notifier,
  });
}
