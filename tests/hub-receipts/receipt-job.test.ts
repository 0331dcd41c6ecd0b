import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifications } from '../../hub/notifications/index.js';
import type { Payment, PaymentStore } from '../../hub/payments/index.js';
import {
  type IssueReceiptDeps,
  issueReceipt,
  issueReceiptRunOf,
  ReceiptCatchUp,
  receiptChannels,
} from '../../hub/receipts/issue-receipt.js';
import type { ReceiptService } from '../../hub/receipts/receipt-service.js';
import { settlementOptions } from '../../hub/settlement/options.js';
import { enqueueReceipt, ISSUE_RECEIPT, type SettlementQueue, settlementQueue } from '../../hub/settlement/queue.js';
import { type SettlementWorker, startQueueWorker } from '../../hub/settlement/worker.js';
import { createLogger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import type { OutgoingMessage } from '../../infra/notifier/index.js';
import { createRedis, type Redis } from '../../infra/redis.js';
import { newLine, settlingPayment } from '../hub-payments/fixtures.js';
import { waitFor } from '../hub-settlement/harness.js';
import { redisUrl, uniqueName } from '../support/isolation.js';
import { completedPayment, startReceiptStores } from './support/receipt-stores.js';

const log = createLogger('receipt-job', 'silent');

describe('receipts are their own idempotent, retried job', () => {
  let drop: () => Promise<void>;
  let payments: PaymentStore;
  let receipts: ReceiptService;
  let conn: Connection;
  /** The citizen's messages, sent at once through `notifier` (no queue), to the given contacts and settings. */
  const notifications = (rest: Omit<Parameters<typeof createNotifications>[0], 'conn' | 'log' | 'publicUrl'>) =>
    createNotifications({ conn, log, publicUrl: 'https://billpay.example.in', ...rest });
  let connections: Redis[];
  let queue: SettlementQueue;
  let worker: SettlementWorker;
  const sent: OutgoingMessage[] = [];
  let failNextStore = false;

  beforeAll(async () => {
    ({ drop, conn, payments, receipts } = await startReceiptStores('receipt_job'));
    const options = settlementOptions({ prefix: uniqueName('receipt_job'), attempts: 4, backoffMs: 20 });
    connections = [
      createRedis(redisUrl(), { forBlockingCommands: true }),
      createRedis(redisUrl(), { forBlockingCommands: true }),
    ];
    queue = settlementQueue(connections[0] as Redis, options);
    const deps: IssueReceiptDeps = {
      payments,
      // The receipt store, except that it fails when told to.
      receipts: {
        build: (payment) => receipts.build(payment),
        findByPayment: (id) => receipts.findByPayment(id),
        recordNotified: (id, at) => receipts.recordNotified(id, at),
        store: async (receipt) => {
          if (failNextStore) {
            failNextStore = false;
            throw new Error('receipt store unavailable');
          }
          return receipts.store(receipt);
        },
      },
      notifications: notifications({
        contacts: { find: async (sub) => ({ _id: sub, phone: '+919845012345', updatedAt: new Date() }) },
        notifier: { send: async (message) => void sent.push(message) },
      }),
      log,
    };
    worker = startQueueWorker(
      connections[1] as Redis,
      options,
      { [ISSUE_RECEIPT]: (job) => issueReceipt(deps, job.data.paymentId as string, issueReceiptRunOf(job)) },
      log,
    );
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.obliterate({ force: true });
    await queue?.close();
    await Promise.all(connections.map((c) => c.quit()));
    await drop?.();
  });

  const messagesFor = (payment: Payment) => sent.filter((m) => m.text.includes(payment._id));

  it('issues the receipt and sends its message exactly once when the receipt store fails the first time', async () => {
    const payment = await completedPayment(payments);
    failNextStore = true;
    await enqueueReceipt(queue, payment._id, { fresh: true });

    // The first (fresh) run failed to store the receipt, so it told nobody; the retry reads for
    // the receipt, stores it and tells.
    const job = await queue.getJob(payment._id);
    await waitFor('the job to complete', async () => (await job?.getState()) === 'completed');

    expect((await queue.getJob(payment._id))?.attemptsMade).toBe(2);
    const stored = await receipts.findByPayment(payment._id);
    expect(stored).toMatchObject({ _id: `RCT${payment._id.slice(3)}`, status: 'completed' });
    expect(stored?.issuedAt).toBeInstanceOf(Date);
    expect(await receipts.forCitizen(payment._id, payment.citizenSub)).toMatchObject({ status: 'completed' });
    // Nothing is recorded on the payment: the message's delivery record is its record.
    expect((await payments.findById(payment._id))?.receipt).toBeUndefined();
    expect(messagesFor(payment)).toHaveLength(1);
    expect(messagesFor(payment)[0]).toMatchObject({ channel: 'sms', to: '+919845012345' });

    // The job once more (a repeated enqueue, a catch-up): nothing is sent again.
    await enqueueReceipt(queue, payment._id);
    await waitFor('the repeated job to complete', async () => {
      const again = await queue.getJob(payment._id);
      return (await again?.getState()) === 'completed' && again?.returnvalue === 'already_notified';
    });
    expect(messagesFor(payment)).toHaveLength(1);
  });

  it('catches up a final payment whose receipt job was never enqueued, and leaves notified ones alone', async () => {
    const forgotten = await completedPayment(payments);
    const done = await completedPayment(payments);
    expect(
      await issueReceipt(
        {
          payments,
          receipts,
          notifications: notifications({ contacts: { find: async () => null }, notifier: { send: async () => {} } }),
          log,
        },
        done._id,
      ),
    ).toBe('no_contact');
    await new Promise((r) => setTimeout(r, 5));

    const report = await new ReceiptCatchUp(
      {
        payments,
        receipts,
        notifications: notifications({ contacts: { find: async () => null }, notifier: { send: async () => {} } }),
        queue,
        log,
      },
      { olderThanMs: 0 },
    ).run();

    expect(report.enqueued).toContain(forgotten._id);
    expect(report.enqueued).not.toContain(done._id);
    await waitFor('the caught-up receipt to be sent', async () => messagesFor(forgotten).length > 0);
    expect(messagesFor(forgotten)).toHaveLength(1);
    expect(await receipts.findByPayment(forgotten._id)).toMatchObject({ status: 'completed' });
  });

  it('issues nothing for a payment that is not final yet', async () => {
    const payment = await settlingPayment(payments, { lines: [newLine()] });
    const deps = {
      payments,
      receipts,
      notifications: notifications({ contacts: { find: async () => null }, notifier: { send: async () => {} } }),
      log,
    };
    expect(await issueReceipt(deps, payment._id)).toBe('not_final');
    expect(await receipts.findByPayment(payment._id)).toBeNull();
  });

  it("sends the receipt on the citizen's chosen channels, the email with its verification link", async () => {
    const payment = await completedPayment(payments);
    const out: OutgoingMessage[] = [];
    const outcome = await issueReceipt(
      {
        payments,
        receipts,
        verifyUrlOf: async () => 'https://billpay.example.in/verify?t=abc',
        notifications: notifications({
          contacts: {
            find: async (sub) => ({
              _id: sub,
              email: 'asha@example.in',
              phone: '+919845012345',
              updatedAt: new Date(),
            }),
          },
          settings: { find: async (sub) => ({ _id: sub, channel: 'both', updatedAt: new Date() }) },
          notifier: { send: async (message) => void out.push(message) },
        }),
        log,
      },
      payment._id,
    );
    expect(outcome).toBe('notified');
    expect(out.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    expect(out.find((m) => m.channel === 'email')?.text).toContain('https://billpay.example.in/verify?t=abc');
    expect(out.find((m) => m.channel === 'sms')?.text).not.toContain('verify?t=');
  });
});

describe('where a receipt goes', () => {
  const both = { _id: 's', email: 'asha@example.in', phone: '+919845012345', updatedAt: new Date() };
  it('follows the chosen channel among the contacts the idp vouched for', () => {
    expect(receiptChannels(both, 'sms')).toEqual(['sms']);
    expect(receiptChannels(both, 'email')).toEqual(['email']);
    expect(receiptChannels(both, 'both')).toEqual(['email', 'sms']);
  });
  it('uses email, else SMS, without a choice, and the known contact when the chosen one is missing', () => {
    expect(receiptChannels(both)).toEqual(['email']);
    expect(receiptChannels({ ...both, email: undefined })).toEqual(['sms']);
    expect(receiptChannels({ ...both, phone: undefined }, 'sms')).toEqual(['email']);
    expect(receiptChannels({ ...both, email: undefined, phone: undefined }, 'both')).toEqual([]);
  });
});
