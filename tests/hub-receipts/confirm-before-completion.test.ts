import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifications } from '../../hub/notifications/index.js';
import type { PaymentStore } from '../../hub/payments/index.js';
import { confirmBeforeCompletion, type IssueReceiptDeps, issueReceipt } from '../../hub/receipts/issue-receipt.js';
import { createLogger } from '../../infra/logger.js';
import type { OutgoingMessage } from '../../infra/notifier/index.js';
import { countWrites } from '../hub-settlement/count-writes.js';
import { completedPayment, startReceiptStores } from './support/receipt-stores.js';

const log = createLogger('confirm-before-completion', 'silent');

describe('the receipt and its message issued before the completing update (confirmBeforeCompletion)', () => {
  let drop: () => Promise<void>;
  let payments: PaymentStore;
  let deps: IssueReceiptDeps;
  const sent: OutgoingMessage[] = [];
  let failNextSend = false;

  beforeAll(async () => {
    const stores = await startReceiptStores('confirm_before_completion');
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

  const messagesOf = (paymentId: string) => sent.filter((m) => m.text.includes(paymentId));

  it('issues the receipt and sends its message, writing nothing on the payment, and returns what the completion records', async () => {
    const payment = await completedPayment(payments);
    const { result, writes } = await countWrites(['payments', 'receipts'], () =>
      confirmBeforeCompletion(deps, payment),
    );
    expect(writes).toEqual(['receipts.insertMany']);
    expect(result).toMatchObject({ receiptId: `RCT${payment._id.slice(3)}` });
    expect(result?.issuedAt).toBeInstanceOf(Date);
    expect(result?.notifiedAt).toBeInstanceOf(Date);
    expect(messagesOf(payment._id)).toHaveLength(1);
    expect((await payments.findById(payment._id))?.receipt).toBeUndefined();
  });

  it('after a completing update that lost its race, the issue-receipt job finds the same receipt and sends no second message', async () => {
    const payment = await completedPayment(payments);
    const confirmed = await confirmBeforeCompletion(deps, payment);
    // The lines' own jobs completed the payment instead; its completion enqueued the receipt job.
    expect(await issueReceipt(deps, payment._id)).toBe('notified');
    const stored = await payments.findById(payment._id);
    expect(stored?.receipt?.receiptId).toBe(confirmed?.receiptId);
    expect(stored?.receipt?.issuedAt).toEqual(confirmed?.issuedAt);
    expect(messagesOf(payment._id)).toHaveLength(1);
  });

  it('a message that fails returns the receipt without notifiedAt, and the issue-receipt job sends it once', async () => {
    const payment = await completedPayment(payments);
    failNextSend = true;
    const confirmed = await confirmBeforeCompletion(deps, payment);
    expect(confirmed).toEqual({ receiptId: `RCT${payment._id.slice(3)}`, issuedAt: expect.any(Date) });
    expect(messagesOf(payment._id)).toHaveLength(0);

    expect(await issueReceipt(deps, payment._id)).toBe('notified');
    expect(await issueReceipt(deps, payment._id)).toBe('already_notified');
    expect(messagesOf(payment._id)).toHaveLength(1);
  });

  it('a receipt store that fails returns nothing to record and sends nothing', async () => {
    const payment = await completedPayment(payments);
    const broken = {
      ...deps,
      receipts: {
        issue: async () => {
          throw new Error('receipts collection unavailable');
        },
      },
    };
    expect(await confirmBeforeCompletion(broken, payment)).toBeUndefined();
    expect(messagesOf(payment._id)).toHaveLength(0);
  });
});
