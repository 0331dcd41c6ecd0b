import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifications } from '../../hub/notifications/index.js';
import type { PaymentStore } from '../../hub/payments/index.js';
import { type IssueReceiptDeps, issueReceipt } from '../../hub/receipts/issue-receipt.js';
import { createLogger } from '../../infra/logger.js';
import type { OutgoingMessage } from '../../infra/notifier/index.js';
import { countWrites } from '../hub-settlement/count-writes.js';
import { completedPayment, startReceiptStores } from './support/receipt-stores.js';

const log = createLogger('receipt-writes', 'silent');

describe("a receipt's records on its payment", () => {
  let drop: () => Promise<void>;
  let payments: PaymentStore;
  let deps: IssueReceiptDeps;
  const sent: OutgoingMessage[] = [];
  let failNextSend = false;

  beforeAll(async () => {
    const stores = await startReceiptStores('receipt_writes');
    drop = stores.drop;
    payments = stores.payments;
    deps = {
      payments,
      receipts: stores.receipts,
      notifications: createNotifications({
        conn: stores.conn,
        log,
        publicUrl: 'https://billpay.example.in',
        contacts: { find: async (sub) => ({ _id: sub, phone: '+919845012345', updatedAt: new Date() }) },
        notifier: {
          send: async (message) => {
            if (failNextSend) {
              failNextSend = false;
              throw new Error('SMS gateway down');
            }
            sent.push(message);
          },
        },
      }),
      log,
    };
  });

  afterAll(() => drop?.());

  it('records the receipt and its message on the payment in one write, after the message', async () => {
    const payment = await completedPayment(payments);
    const { result, writes } = await countWrites(['payments'], () => issueReceipt(deps, payment._id));
    expect(result).toBe('notified');
    expect(writes).toEqual(['payments.findOneAndUpdate']);
    const stored = await payments.findById(payment._id);
    expect(stored?.receipt).toMatchObject({ receiptId: `RCT${payment._id.slice(3)}` });
    expect(stored?.receipt?.issuedAt).toBeInstanceOf(Date);
    expect(stored?.receipt?.notifiedAt).toBeInstanceOf(Date);
  });

  it('stores the receipt without the fields its payment lacks (no nulls), the same as issue() returned', async () => {
    const payment = await completedPayment(payments);
    expect(payment.payerName).toBeUndefined();
    expect(await issueReceipt(deps, payment._id)).toBe('notified');
    const receipts = payments.model.db.collection('receipts');
    const raw = await receipts.findOne({ paymentId: payment._id });
    expect(raw).not.toBeNull();
    expect(raw && 'payerName' in raw).toBe(false);
    expect(JSON.stringify(raw)).not.toContain('null');
    expect(raw?.issuedAt).toBeInstanceOf(Date);
    expect(raw?.lines).toHaveLength(payment.lines.length);
  });

  it('a message that fails records nothing, and the retry issues the same receipt and sends it once', async () => {
    const payment = await completedPayment(payments);
    failNextSend = true;
    const before = sent.length;
    await issueReceipt(deps, payment._id).catch(() => undefined);
    const stored = await payments.findById(payment._id);
    expect(stored?.receipt?.notifiedAt).toBeUndefined();

    expect(await issueReceipt(deps, payment._id)).toBe('notified');
    expect(await issueReceipt(deps, payment._id)).toBe('already_notified');
    expect(sent.slice(before).filter((m) => m.text.includes(payment._id))).toHaveLength(1);
    expect((await payments.findById(payment._id))?.receipt?.receiptId).toBe(`RCT${payment._id.slice(3)}`);
  });
});
