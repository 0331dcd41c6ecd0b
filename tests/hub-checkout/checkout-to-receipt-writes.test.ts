import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillerRegistry } from '../../adapters/registry/index.js';
import { createNotifications } from '../../hub/notifications/index.js';
import type { Payment } from '../../hub/payments/index.js';
import { issueReceipt } from '../../hub/receipts/issue-receipt.js';
import { ReceiptService } from '../../hub/receipts/receipt-service.js';
import type { LineDeps } from '../../hub/settlement/deps.js';
import { settlementOptions } from '../../hub/settlement/options.js';
import { settlePayment } from '../../hub/settlement/settle-payment.js';
import { createLogger } from '../../infra/logger.js';
import { countWrites } from '../hub-settlement/count-writes.js';
import { type CheckoutHarness, startCheckoutHarness } from './harness.js';

const log = createLogger('checkout-to-receipt-writes', 'silent');

/** Every collection the paying path writes. */
const COLLECTIONS = [
  'payments',
  'ledger_transactions',
  'bill_claims',
  'risk_activity',
  'risk_meta',
  'receipts',
  'notification_deliveries',
];

/** A biller that accepts every posting at once. */
const accepting = {
  get: () => ({
    operations: {
      postPayment: async (input: { reference: string }) => ({
        status: 'accepted',
        billerReference: `EB-${input.reference}`,
      }),
      paymentStatus: async () => ({ status: 'not_found' }),
    },
  }),
} as unknown as Pick<BillerRegistry, 'get'>;

describe('the writes of one paid 3-bill checkout, from checkout to receipt', () => {
  let h: CheckoutHarness;
  let receipts: ReceiptService;

  beforeAll(async () => {
    h = await startCheckoutHarness('checkout_to_receipt_writes');
    receipts = new ReceiptService(h.conn, { get: () => undefined } as unknown as BillerRegistry);
    await receipts.init();
  });

  afterAll(async () => {
    await h?.close();
  });

  const lineDeps = (): LineDeps => ({
    payments: h.payments,
    ledger: h.ledger,
    billers: accepting,
    gateway: h.gateway,
    log,
    options: settlementOptions({}),
  });

  async function payAndSettle(citizen: string, bills: number): Promise<Payment> {
    const body = h.body(...Array.from({ length: bills }, () => h.consumer()));
    const { payment, checkoutUrl } = await h.run(body, undefined, citizen);
    await h.pay(checkoutUrl);
    await h.capture.sync(payment);
    // The capture's settle-payment job, as the worker runs it: every biller accepts, nothing is handed over.
    await settlePayment(lineDeps(), { paymentId: payment._id, firstRun: true }, async (_id, lineId) => {
      throw new Error(`line ${lineId} handed over`);
    });
    await issueReceipt(
      {
        payments: h.payments,
        receipts,
        notifications: createNotifications({
          conn: h.conn,
          log,
          publicUrl: 'https://billpay.example.in',
          contacts: { find: async () => null },
          notifier: { send: async () => undefined },
        }),
        log,
      },
      payment._id,
    );
    return h.reload(payment._id);
  }

  it('makes 9 writes end to end (3 per settled line), the capture one conditional update, and leaves the books whole', async () => {
    // The citizen's first checkout builds the indexes and copies their history into the risk
    // collections; four consumers in all keep the new-account rule quiet (it flags more than five).
    const citizen = `citizen-${h.consumer()}`;
    await payAndSettle(citizen, 1);
    const { result, writes } = await countWrites(COLLECTIONS, () => payAndSettle(citizen, 3));
    expect(result.status).toBe('completed');
    expect(writes).toEqual([
      'payments.insertMany', // checkout: the payment, created (one document, inserted lean)
      'risk_activity.bulkWrite', // the citizen's activity and the lines under their consumers, one command
      'bill_claims.insertMany', // the three bills claimed
      'payments.findOneAndUpdate', // created → awaiting_payment with the gateway order
      'payments.findOneAndUpdate', // the capture: awaiting_payment → captured → settling, lines posting
      'ledger_transactions.insertMany', // the capture movement
      'ledger_transactions.insertMany', // the three settlements, one insert, before the completion
      'payments.findOneAndUpdate', // every line posting → settled, and settling → completed
      'receipts.insertMany', // the receipt, with notifiedAt: this citizen has no contact to tell
    ]);
    expect(result.timeline.map((e) => e.to).filter((to) => to && !['posting', 'settled'].includes(to))).toEqual([
      'created',
      'awaiting_payment',
      'captured',
      'settling',
      'completed',
    ]);
    expect((await h.ledger.forPayment(result._id)).map((t) => t.kind)).toEqual([
      'capture',
      'settlement',
      'settlement',
      'settlement',
    ]);
    expect((await h.ledger.checkLedger(result._id)).problems).toEqual([]);
  });

  it('an on-time capture is one payment write and its booking; a late one stops at captured first', async () => {
    const onTime = await h.run(h.body(h.consumer()), undefined, `citizen-${h.consumer()}`);
    await h.pay(onTime.checkoutUrl);
    const { result: settling, writes } = await countWrites(COLLECTIONS, () => h.capture.sync(onTime.payment));
    expect(settling.status).toBe('settling');
    expect(writes).toEqual(['payments.findOneAndUpdate', 'ledger_transactions.insertMany']);
    expect((await h.ledger.forPayment(onTime.payment._id)).map((t) => t.kind)).toEqual(['capture']);
    expect(h.settlementStarts).toContain(onTime.payment._id);
    // A second event for the same capture moves nothing.
    expect((await h.capture.sync(await h.reload(onTime.payment._id))).status).toBe('settling');
    expect(h.settlementStarts.filter((id) => id === onTime.payment._id)).toHaveLength(1);

    // Expired before the capture arrived: its claims may have moved, so it stops at captured first.
    const late = await h.run(h.body(h.consumer()), undefined, `citizen-${h.consumer()}`);
    await h.pay(late.checkoutUrl);
    await h.payments.model.updateOne({ _id: late.payment._id }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    await h.payments.transitionPayment(late.payment._id, 'awaiting_payment', 'expired', 'checkout_expired');
    const lateSettling = await h.capture.sync(late.payment);
    expect(lateSettling.status).toBe('settling');
    expect(lateSettling.timeline.filter((e) => e.to === 'captured')[0]?.detail).toMatch(/late capture/);
    expect((await h.ledger.forPayment(late.payment._id)).map((t) => t.kind)).toEqual(['capture']);
  });
});
