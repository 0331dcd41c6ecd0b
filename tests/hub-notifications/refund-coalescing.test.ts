import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRenderer,
  DEFAULT_NOTIFICATION_OPTIONS,
  DeliveryStore,
  Notifications,
  portalLinks,
  type RefundCompleted,
  type RefundStarted,
} from '../../hub/notifications/index.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import { issueReceipt } from '../../hub/receipts/issue-receipt.js';
import type { SettlementQueue } from '../../hub/settlement/queue.js';
import { createLogger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import type { OutgoingMessage } from '../../infra/notifier/index.js';
import { isolatedMongo } from '../support/isolation.js';
import { PUBLIC_URL } from './events.js';

const log = createLogger('notify_coalesce', process.env.TEST_LOG_LEVEL ?? 'silent');
const REF = 'DM-275S1-WP2CT-3';

/**
 * Issue 11, F14: a demand cancelled while its payer was on the gateway page gave three messages in
 * the same second (refund started, refunded, "could not be paid"). The refund's start waits a
 * moment and is superseded by its completion; the confirmation of a payment refunded in full whose
 * refunds were told is not sent on top.
 */
describe('one refund is told once', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let deliveries: DeliveryStore;
  let notifications: Notifications;
  const sent: OutgoingMessage[] = [];
  const jobs: { deliveryId: string; delay?: number }[] = [];
  const queue = {
    add: async (_name: string, data: { deliveryId: string }, opts: { delay?: number }) => {
      jobs.push({ deliveryId: data.deliveryId, ...(opts.delay ? { delay: opts.delay } : {}) });
    },
  } as unknown as SettlementQueue;

  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('notify_coalesce'));
    deliveries = new DeliveryStore(conn);
    await deliveries.init();
    notifications = new Notifications({
      deliveries,
      contacts: { find: async () => null },
      settings: { find: async () => null },
      render: createRenderer(portalLinks(PUBLIC_URL)),
      notifier: { send: async (message) => void sent.push(message) },
      log,
      options: DEFAULT_NOTIFICATION_OPTIONS,
      queue,
    });
  });
  afterAll(async () => {
    await drop?.();
  });

  const refund = (kind: 'refund_started' | 'refund_completed', lineId: string, phone: string) =>
    ({
      kind,
      contact: { phone },
      channel: 'sms',
      paymentId: 'PAY01JDQ7M2ZC4KX9T8W3HVBN',
      lineId,
      billerName: 'Payment demands',
      demand: { reference: REF, providerName: 'City Community Halls', cancelled: true },
      amountMinor: 50_000,
      currency: 'INR',
    }) as RefundStarted | RefundCompleted;
  const jobOf = (id: string) => jobs.find((job) => job.deliveryId === id);

  it('a refund that completes while its "started" message waits sends only the completion', async () => {
    const phone = '+919812300001';
    const started = await notifications.notify(refund('refund_started', 'LINA', phone));
    const startedId = started.deliveries[0]?.id as string;
    // The start waits (a delayed job), so its completion can supersede it.
    expect(jobOf(startedId)?.delay).toBe(60_000);
    const completed = await notifications.notify(refund('refund_completed', 'LINA', phone));
    const completedId = completed.deliveries[0]?.id as string;
    expect(jobOf(completedId)?.delay).toBeUndefined();

    expect(await notifications.deliver(completedId, false)).toBe('sent');
    expect(await notifications.deliver(startedId, false)).toBe('superseded');
    const to = sent.filter((m) => m.to === phone);
    expect(to).toHaveLength(1);
    expect(to[0]?.text).toContain(`City Community Halls cancelled request ${REF}`);
    expect((await deliveries.findById(startedId))?.status).toBe('superseded');
  });

  it('a refund still under way when its "started" message is due is told as started', async () => {
    const phone = '+919812300002';
    const started = await notifications.notify(refund('refund_started', 'LINB', phone));
    expect(await notifications.deliver(started.deliveries[0]?.id as string, false)).toBe('sent');
    expect(sent.filter((m) => m.to === phone)).toHaveLength(1);
  });

  it('a payment refunded in full whose refunds were told gets no third message; one not yet told does', async () => {
    const receiptOf = (id: string) => ({ _id: `RCT${id}`, status: 'refunded', issuedAt: new Date(), lines: [] });
    const paymentOf = (id: string, lineId: string) =>
      ({
        _id: `PAY${id}`,
        citizenSub: `citizen-${id}`,
        status: 'refunded',
        currency: 'INR',
        totalMinor: 50_000,
        lines: [{ _id: lineId, billerId: 'payment-demands', billNumber: `${REF}/1`, amountMinor: 50_000 }],
      }) as unknown as Payment;
    const run = (payment: Payment) =>
      issueReceipt(
        {
          payments: { findById: async () => payment } as never,
          receipts: {
            build: async () => receiptOf(payment._id.slice(3)) as never,
            store: async (receipt) => receipt,
            findByPayment: async () => null,
            recordNotified: async () => undefined,
          },
          notifications,
          log,
        },
        payment._id,
      );
    // LINA's refund was told above: the confirmation would repeat it.
    expect(await run(paymentOf('TOLD', 'LINA'))).toBe('told_by_refunds');
    expect(await deliveries.model.countDocuments({ kind: 'payment_confirmed', reference: 'RCTTOLD' })).toBe(0);
    // A line whose refund was never told: the confirmation is the news (no contact here to send it to).
    expect(await run(paymentOf('UNTOLD', 'LINZ'))).toBe('no_contact');
  });
});
