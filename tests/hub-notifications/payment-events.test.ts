import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SettingsStore } from '../../hub/citizen-settings/settings-store.js';
import { ContactStore } from '../../hub/contacts/contact-store.js';
import {
  confirmWithinMs,
  createNotifications,
  type Delivery,
  NOTIFY,
  type Notifications,
  notifyLineChanges,
} from '../../hub/notifications/index.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import { issueReceipt } from '../../hub/receipts/issue-receipt.js';
import { ReceiptService } from '../../hub/receipts/receipt-service.js';
import type { LineDeps } from '../../hub/settlement/deps.js';
import { settlementOptions } from '../../hub/settlement/options.js';
import { enqueueReceipt, enqueueSettlement, ISSUE_RECEIPT, SETTLE_LINE } from '../../hub/settlement/queue.js';
import { processSettlementJob, type SettlementWorker, startQueueWorker } from '../../hub/settlement/worker.js';
import { createLogger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import { createNotifier, type NotifierConfig, readCaptured } from '../../infra/notifier/index.js';
import type { Redis } from '../../infra/redis.js';
import { BILLERS } from '../hub-settlement/billers.js';
import { ALL_THREE, type Harness, type LineSpec, startHarness, waitFor } from '../hub-settlement/harness.js';
import { isolatedRedis } from '../support/isolation.js';
import { PUBLIC_URL } from './events.js';
import { freshRecipient } from './recipients.js';

const log = createLogger('notify_payments', process.env.TEST_LOG_LEVEL ?? 'silent');

/**
 * The worker's wiring, as hub/worker/jobs.ts does it: settlement with the line hook, the receipt
 * job, and the notify job, on the settlement harness's queue, sandboxes and gateway. Messages go
 * through the notifier's capture transport, where a test reads them back per recipient.
 */
describe('payment events tell the citizen, once per chosen channel', () => {
  let h: Harness;
  let conn: Connection;
  let redis: Redis;
  let contacts: ContactStore;
  let settings: SettingsStore;
  let notifications: Notifications;
  let worker: SettlementWorker;

  beforeAll(async () => {
    h = await startHarness('notify_payments');
    conn = h.payments.model.db;
    redis = isolatedRedis();
    contacts = new ContactStore(conn);
    settings = new SettingsStore(conn);
    const notifier = createNotifier(
      { NOTIFIER_TRANSPORT: 'capture', SMTP_FROM: 'BillPay <a@b.in>' } as NotifierConfig,
      {
        redis,
        log,
      },
    );
    notifications = createNotifications({
      conn,
      notifier,
      log,
      publicUrl: PUBLIC_URL,
      queue: h.queue,
      options: { attempts: 3, backoffMs: 20 },
      // Each message on its own, sent at once: the refund's messages are coalesced in delivery-coalescing.test.ts.
      coalesceMs: 0,
    });
    const receipts = new ReceiptService(conn, h.billers.registry as never);
    await receipts.init();
    // Two status checks of a pending posting, then the line's outcome is unknown.
    const options = settlementOptions({ ...h.options, maxPolls: 2 });
    const lineDeps: LineDeps = {
      ...h.lineDeps(),
      options,
      onPaymentFinal: async (payment) => {
        await enqueueReceipt(h.queue, payment._id);
      },
      onLineChange: notifyLineChanges(notifications, {
        billerName: (id) => h.billers.registry.get(id)?.descriptor.name ?? id,
        confirmWithinMs: confirmWithinMs(options),
      }),
    };
    worker = startQueueWorker(
      h.connect(),
      options,
      {
        [SETTLE_LINE]: (job, token) => processSettlementJob(lineDeps, job, token),
        [ISSUE_RECEIPT]: (job) =>
          issueReceipt({ payments: h.payments, receipts, notifications, log }, job.data.paymentId as string),
        [NOTIFY]: (job) => notifications.runJob(job),
      },
      log,
    );
  });

  afterEach(async () => {
    await h.billers.resetFaults();
    expect(await h.ledgerProblems()).toEqual([]);
  });

  afterAll(async () => {
    await worker?.close();
    await h?.close();
    await redis?.quit();
  });

  /** A settling payment of a citizen with both contacts and the given choices; its lines are enqueued. */
  async function pay(specs: LineSpec[], choice: Parameters<SettingsStore['save']>[1]) {
    const who = freshRecipient();
    const payment = await h.settlingPayment(specs);
    await contacts.remember(payment.citizenSub, { email: who.email, phone: who.phone });
    await settings.save(payment.citizenSub, choice);
    await enqueueSettlement(h.queue, payment);
    return { who, payment };
  }
  /** The payment's records once `count` of them are no longer queued. */
  const delivered = (payment: Payment, count: number) =>
    waitFor(`${count} messages about ${payment._id} to be delivered`, async () => {
      const records = await notifications.deliveries.model
        .find({ citizenSub: payment.citizenSub, status: { $ne: 'queued' } })
        .sort({ createdAt: 1 })
        .lean<Delivery[]>();
      return records.length >= count && records;
    });

  it('sends exactly one confirmation per chosen channel when a payment settles, even when its receipt job runs again', async () => {
    const { who, payment } = await pay(ALL_THREE, { channel: 'both' });
    const done = await h.finished(payment._id);
    expect(done.status).toBe('completed');
    const records = await delivered(payment, 2);
    const receiptId = `RCT${payment._id.slice(3)}`;

    // The receipt job again (a repeat, the sweep's catch-up), and the notification told again.
    await enqueueReceipt(h.queue, payment._id);
    await waitFor('the repeated receipt job', async () => {
      const job = await h.queue.getJob(payment._id);
      return (await job?.getState()) === 'completed' && job?.returnvalue === 'already_notified';
    });

    expect(records.map((r) => [r.kind, r.channel, r.status, r.reference])).toEqual(
      expect.arrayContaining([
        ['payment_confirmed', 'email', 'sent', receiptId],
        ['payment_confirmed', 'sms', 'sent', receiptId],
      ]),
    );
    const sms = await readCaptured(redis, who.phone);
    const email = await readCaptured(redis, who.email);
    expect(sms).toHaveLength(1);
    expect(email).toHaveLength(1);
    expect(sms[0]?.text).toContain(`Receipt ${receiptId}`);
    expect(sms[0]?.text).toMatch(/^BillPay: your payment of Rs [\d,.]+ was paid to \S/);
    expect(sms[0]?.text).not.toContain('every biller');
    expect(email[0]?.subject).toContain(receiptId);
    expect(email[0]?.text).toContain(`${PUBLIC_URL}/payments/${payment._id}/receipt`);
    expect(await notifications.deliveries.model.countDocuments({ citizenSub: payment.citizenSub })).toBe(2);
  });

  it("tells a refused bill's refund as it starts and completes, then the part-paid confirmation, in Hindi by SMS", async () => {
    const { who, payment } = await pay([{ kind: 'electricity' }, { kind: 'gas', rejecting: true }], {
      channel: 'sms',
      language: 'hi',
    });
    const done = await h.finished(payment._id);
    expect(done.status).toBe('partially_refunded');
    const records = await delivered(payment, 3);

    expect(records.map((r) => r.kind).sort()).toEqual(['payment_confirmed', 'refund_completed', 'refund_started']);
    expect(records.every((r) => r.channel === 'sms' && r.locale === 'hi' && r.status === 'sent')).toBe(true);
    const sms = await readCaptured(redis, who.phone);
    expect(sms).toHaveLength(3);
    for (const message of sms) {
      expect(message.text).toMatch(/\p{Script=Devanagari}/u);
      expect(message.text).toContain(payment._id);
    }
    const gas = h.billers.registry.get(BILLERS.gas.billerId)?.descriptor.name as string;
    expect(sms.find((m) => m.text.includes('लौटा रहे हैं'))?.text).toContain(gas);
    expect(await readCaptured(redis, who.email)).toHaveLength(0);
  });

  it('tells the citizen once that a bill is being confirmed when the biller leaves its posting pending', async () => {
    await h.billers.fault('gas', BILLERS.gas.known, { kind: 'pending_then_accept', ms: 600_000 });
    const { who, payment } = await pay([{ kind: 'gas' }], { channel: 'email' });
    await waitFor('the line to be unknown', async () => {
      const now = await h.payments.findById(payment._id);
      return now?.lines[0]?.status === 'unknown';
    });
    const [record] = await delivered(payment, 1);

    expect(record).toMatchObject({ kind: 'payment_unknown', channel: 'email', status: 'sent', reference: payment._id });
    const [email] = await readCaptured(redis, who.email);
    expect(email?.subject).toContain('is confirming');
    expect(email?.text).toContain('No action needed');
    expect(email?.text).toContain(`${PUBLIC_URL}/payments/${payment._id}`);
  });
});
