import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notifications } from '../../hub/notifications/index.js';
import type { PaymentStore } from '../../hub/payments/index.js';
import { type IssueReceiptDeps, issueReceipt, issueReceiptRunOf } from '../../hub/receipts/issue-receipt.js';
import type { ReceiptService } from '../../hub/receipts/receipt-service.js';
import { createLogger } from '../../infra/logger.js';
import type { OutgoingMessage } from '../../infra/notifier/index.js';
import { countOperations, countWrites } from '../hub-settlement/count-writes.js';
import { completedPayment, phoneNotifications, startReceiptStores } from './support/receipt-stores.js';

const log = createLogger('receipt-writes', 'silent');

describe("a receipt's writes: the receipt, then its message's delivery records", () => {
  let drop: () => Promise<void>;
  let payments: PaymentStore;
  let receipts: ReceiptService;
  let deps: IssueReceiptDeps & { notifications: Notifications };
  /** The same job for a citizen the idp knows no contact of. */
  let unreachable: IssueReceiptDeps;
  const sent: OutgoingMessage[] = [];
  let failNextSend = false;

  beforeAll(async () => {
    const stores = await startReceiptStores('receipt_writes');
    drop = stores.drop;
    payments = stores.payments;
    receipts = stores.receipts;
    const notifier = {
      send: async (message: OutgoingMessage) => {
        if (failNextSend) {
          failNextSend = false;
          throw new Error('SMS gateway down');
        }
        sent.push(message);
      },
    };
    const notifications = (phone?: string) => phoneNotifications(stores.conn, log, phone, notifier);
    deps = { payments, receipts, notifications: notifications('+919845012345'), log };
    unreachable = { ...deps, notifications: notifications() };
  });

  afterAll(() => drop?.());

  const messagesFor = (id: string) => sent.filter((m) => m.text.includes(id));
  const deliveriesFor = (receiptId: string) =>
    payments.model.db.collection('notification_deliveries').find({ reference: receiptId }).toArray();

  it('stores the receipt (one write), then records and sends its message; nothing is written on the payment', async () => {
    const payment = await completedPayment(payments);
    const { result, writes } = await countWrites(['payments', 'receipts'], () => issueReceipt(deps, payment._id));
    expect(result).toBe('notified');
    expect(writes).toEqual(['receipts.insertMany']);
    const stored = await receipts.findByPayment(payment._id);
    expect(stored).toMatchObject({ _id: `RCT${payment._id.slice(3)}`, status: 'completed' });
    expect(stored?.issuedAt).toBeInstanceOf(Date);
    expect(stored?.notifiedAt).toBeUndefined();
    expect(await deliveriesFor(stored?._id ?? '')).toMatchObject([{ kind: 'payment_confirmed', status: 'sent' }]);
    expect(messagesFor(payment._id)).toHaveLength(1);
    expect((await payments.findById(payment._id))?.receipt).toBeUndefined();
    // Run again (a repeated job): the delivery record is found, nothing is sent or written.
    const again = await countWrites(['payments', 'receipts'], () => issueReceipt(deps, payment._id));
    expect(again).toEqual({ result: 'already_notified', writes: [] });
    expect(messagesFor(payment._id)).toHaveLength(1);
  });

  it('a fresh run (the job the move to final added) reads the payment and no receipt before its one write', async () => {
    const careful = await completedPayment(payments);
    const read = await countOperations(['payments', 'receipts'], () => issueReceipt(deps, careful._id));
    expect(read.result).toBe('notified');
    expect([...read.operations].sort()).toEqual(['payments.findOne', 'receipts.findOne', 'receipts.insertMany']);

    const payment = await completedPayment(payments);
    const fresh = await countOperations(['payments', 'receipts'], () =>
      issueReceipt(deps, payment._id, { fresh: true }),
    );
    expect(fresh).toEqual({ result: 'notified', operations: ['payments.findOne', 'receipts.insertMany'] });
    expect(await receipts.findByPayment(payment._id)).toMatchObject({ _id: `RCT${payment._id.slice(3)}` });
    expect(messagesFor(payment._id)).toHaveLength(1);
  });

  it('a fresh run that finds the receipt stored meanwhile tells the citizen nothing twice', async () => {
    const payment = await completedPayment(payments);
    expect(await issueReceipt(deps, payment._id)).toBe('notified');
    const first = await receipts.findByPayment(payment._id);

    const { result, writes } = await countWrites(['payments', 'receipts'], () =>
      issueReceipt(deps, payment._id, { fresh: true }),
    );
    // Its insert met the stored receipt (unique paymentId) and told with that one: its record was there.
    expect({ result, writes }).toEqual({ result: 'already_notified', writes: ['receipts.insertMany'] });
    expect(await receipts.findByPayment(payment._id)).toEqual(first);
    expect(messagesFor(payment._id)).toHaveLength(1);
  });

  it('only the first run of a job the move to final added is fresh', () => {
    const run = (fresh: boolean | undefined, attemptsMade: number, attemptsStarted: number) =>
      issueReceiptRunOf({ data: fresh === undefined ? {} : { fresh }, attemptsMade, attemptsStarted }).fresh;
    expect(run(true, 0, 1)).toBe(true);
    expect(run(true, 0, 0)).toBe(true);
    // A retry after a failure, a run after a stall, a job the catch-up or an operator added.
    expect(run(true, 1, 2)).toBe(false);
    expect(run(true, 0, 2)).toBe(false);
    expect(run(undefined, 0, 1)).toBe(false);
    expect(run(false, 0, 1)).toBe(false);
  });

  it('with nobody to tell, stores the receipt with notifiedAt in its one write', async () => {
    const payment = await completedPayment(payments);
    const { result, writes } = await countWrites(['payments', 'receipts'], () =>
      issueReceipt(unreachable, payment._id),
    );
    expect(result).toBe('no_contact');
    expect(writes).toEqual(['receipts.insertMany']);
    expect((await receipts.findByPayment(payment._id))?.notifiedAt).toBeInstanceOf(Date);
    expect(await issueReceipt(deps, payment._id)).toBe('already_notified');
    expect(messagesFor(payment._id)).toHaveLength(0);
  });

  it('stores the receipt without the fields its payment lacks (no nulls)', async () => {
    const payment = await completedPayment(payments);
    expect(payment.payerName).toBeUndefined();
    expect(await issueReceipt(deps, payment._id)).toBe('notified');
    const raw = await payments.model.db.collection('receipts').findOne({ paymentId: payment._id });
    expect(raw).not.toBeNull();
    expect(raw && 'payerName' in raw).toBe(false);
    expect(JSON.stringify(raw)).not.toContain('null');
    expect(raw?.issuedAt).toBeInstanceOf(Date);
    expect(raw?.lines).toHaveLength(payment.lines.length);
  });

  it('a send that fails leaves the receipt stored and its message recorded, for the notifications to send', async () => {
    const payment = await completedPayment(payments);
    failNextSend = true;
    await expect(issueReceipt(deps, payment._id)).rejects.toThrow('SMS gateway down');
    const first = await receipts.findByPayment(payment._id);
    expect(first?._id).toBe(`RCT${payment._id.slice(3)}`);
    expect(messagesFor(payment._id)).toHaveLength(0);
    const [queued] = await deliveriesFor(first?._id ?? '');
    expect(queued).toMatchObject({ status: 'queued', attempts: 1 });

    // The job's retry finds the message recorded: nothing written, built or sent again.
    const { result, writes } = await countWrites(['payments', 'receipts'], () => issueReceipt(deps, payment._id));
    expect({ result, writes }).toEqual({ result: 'already_notified', writes: [] });
    expect(messagesFor(payment._id)).toHaveLength(0);
    // The record's own retry (its notify job) sends it, once.
    expect(await deps.notifications.deliver(String(queued?._id), false)).toBe('sent');
    expect(messagesFor(payment._id)).toHaveLength(1);
    expect((await receipts.findByPayment(payment._id))?.issuedAt).toEqual(first?.issuedAt);
  });

  it('a stored receipt with nobody to tell gets notifiedAt, its only change', async () => {
    const payment = await completedPayment(payments);
    const first = await receipts.issue(payment);
    const { result, writes } = await countWrites(['payments', 'receipts'], () =>
      issueReceipt(unreachable, payment._id),
    );
    expect(result).toBe('no_contact');
    expect(writes).toEqual(['receipts.updateOne']);
    const stored = await receipts.findByPayment(payment._id);
    expect({ ...stored, notifiedAt: undefined }).toEqual({ ...first, notifiedAt: undefined });
    expect(stored?.notifiedAt).toBeInstanceOf(Date);
  });

  it('a payment whose message is recorded on the payment (as the job once kept it) is done', async () => {
    const payment = await completedPayment(payments);
    await payments.model.updateOne(
      { _id: payment._id },
      { $set: { receipt: { receiptId: `RCT${payment._id.slice(3)}`, issuedAt: new Date(), notifiedAt: new Date() } } },
    );
    expect(await issueReceipt(deps, payment._id)).toBe('already_notified');
    expect(messagesFor(payment._id)).toHaveLength(0);
    expect(await receipts.findByPayment(payment._id)).toBeNull();
  });
});
