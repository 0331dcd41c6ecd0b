import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billClaimModel } from '../../hub/bill-claims/bill-claim-model.js';
import { SettingsStore } from '../../hub/citizen-settings/settings-store.js';
import { ContactStore } from '../../hub/contacts/contact-store.js';
import {
  createNotifications,
  DeliveryBusyError,
  DeliveryStore,
  NOTIFY,
  type NotificationEvent,
  type Notifications,
  notifyFailedPayments,
} from '../../hub/notifications/index.js';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import { settlementOptions } from '../../hub/settlement/options.js';
import { type SettlementQueue, settlementQueue } from '../../hub/settlement/queue.js';
import { type SettlementWorker, startQueueWorker } from '../../hub/settlement/worker.js';
import { createLogger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import type { OutgoingMessage } from '../../infra/notifier/index.js';
import { createRedis, type Redis } from '../../infra/redis.js';
import { capturedPayment, newLine, newPayment } from '../hub-payments/fixtures.js';
import { waitFor } from '../hub-settlement/harness.js';
import { isolatedMongo, redisUrl, uniqueName } from '../support/isolation.js';
import { PUBLIC_URL, SAMPLES } from './events.js';
import { freshRecipient } from './recipients.js';

const log = createLogger('notify_delivery', process.env.TEST_LOG_LEVEL ?? 'silent');

describe('every message is recorded, sent once per channel, retried, and counted', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let contacts: ContactStore;
  let settings: SettingsStore;
  let deliveries: DeliveryStore;
  let connections: Redis[];
  let queue: SettlementQueue;
  let worker: SettlementWorker;
  /** Sent messages, in order; a recipient listed in `failing` fails that many more times (Infinity: always). */
  const sent: OutgoingMessage[] = [];
  const failing = new Map<string, number>();
  const notifier = {
    send: async (message: OutgoingMessage) => {
      const left = failing.get(message.to) ?? 0;
      if (left > 0) {
        failing.set(message.to, left - 1);
        throw new Error('SMS gateway answered status 503');
      }
      sent.push(message);
    },
  };
  let queued: Notifications;
  let inline: Notifications;

  beforeAll(async () => {
    const mongo = await isolatedMongo('notify_delivery');
    conn = mongo.conn;
    drop = mongo.drop;
    contacts = new ContactStore(conn);
    settings = new SettingsStore(conn);
    deliveries = new DeliveryStore(conn);
    await deliveries.init();
    const options = settlementOptions({ prefix: uniqueName('notify_delivery') });
    connections = [
      createRedis(redisUrl(), { forBlockingCommands: true }),
      createRedis(redisUrl(), { forBlockingCommands: true }),
    ];
    queue = settlementQueue(connections[0] as Redis, options);
    // Each message sent at once: the wait before a refund's start (coalescing) is refund-coalescing.test.ts's.
    const common = {
      conn,
      notifier,
      log,
      publicUrl: PUBLIC_URL,
      options: { attempts: 3, backoffMs: 20 },
      coalesceMs: 0,
    };
    queued = createNotifications({ ...common, queue });
    inline = createNotifications(common);
    worker = startQueueWorker(connections[1] as Redis, options, { [NOTIFY]: (job) => queued.runJob(job) }, log);
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.obliterate({ force: true });
    await queue?.close();
    await Promise.all((connections ?? []).map((c) => c.quit()));
    await drop?.();
  });

  /** A citizen with both contacts and the given choices. */
  async function citizen(choice: Parameters<SettingsStore['save']>[1] = {}) {
    const who = freshRecipient();
    await contacts.remember(who.sub, { email: who.email, phone: who.phone });
    if (Object.keys(choice).length > 0) await settings.save(who.sub, choice);
    return who;
  }
  const to = (address: string) => sent.filter((m) => m.to === address);
  const refundFor = (sub: string, lineId: string): NotificationEvent => ({
    ...SAMPLES.refund_started.event,
    citizenSub: sub,
    lineId,
  });
  const finished = (key: string) =>
    waitFor(`deliveries of ${key} to finish`, async () => {
      const records = await deliveries.model.find({ key: { $regex: `^${key.replaceAll('|', '\\|')}` } }).lean();
      return records.length > 0 && records.every((r) => r.status !== 'queued') && records;
    });

  it('sends one message per channel when the same event is told again and again (a re-run job, two workers)', async () => {
    const who = await citizen({ channel: 'both' });
    const event = refundFor(who.sub, 'LIN-rerun-1');
    const runs = await Promise.all([queued.notify(event), queued.notify(event), queued.notify(event)]);
    const records = await finished('refund_started|LIN-rerun-1|');
    await queued.notify(event);
    await inline.notify(event);

    expect(records.map((r) => r.channel).sort()).toEqual(['email', 'sms']);
    expect(records.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    expect(runs.flatMap((r) => r.deliveries).filter((d) => d.created)).toHaveLength(2);
    expect(to(who.phone)).toHaveLength(1);
    expect(to(who.email)).toHaveLength(1);
    expect(await deliveries.model.countDocuments({ key: { $regex: '^refund_started\\|LIN-rerun-1\\|' } })).toBe(2);
  });

  it('records every channel before sending any: a send that fails at once leaves no channel unrecorded', async () => {
    const who = await citizen({ channel: 'both' });
    failing.set(who.phone, 1);
    failing.set(who.email, 1);
    const event = refundFor(who.sub, 'LIN-first-fails');
    await expect(inline.notify(event)).rejects.toThrow('status 503');
    const records = await deliveries.model.find({ key: { $regex: '^refund_started\\|LIN-first-fails\\|' } }).lean();
    expect(records.map((r) => r.channel).sort()).toEqual(['email', 'sms']);
    expect(await inline.recordedKeys(['refund_started|LIN-first-fails', 'refund_started|LIN-never'])).toEqual(
      new Set(['refund_started|LIN-first-fails']),
    );
  });

  it('retries a failed transport with backoff, then records the message sent with its attempts and last error', async () => {
    const who = await citizen({ channel: 'sms' });
    failing.set(who.phone, 2);
    await queued.notify(refundFor(who.sub, 'LIN-retry-1'));
    const [record] = await finished('refund_started|LIN-retry-1|');

    expect(record).toMatchObject({ status: 'sent', attempts: 3, lastError: 'SMS gateway answered status 503' });
    expect(record?.finishedAt).toBeInstanceOf(Date);
    expect(to(who.phone)).toHaveLength(1);
  });

  it('records a message failed once every attempt failed, and never sends it again for the same event', async () => {
    const who = await citizen({ channel: 'sms' });
    failing.set(who.phone, Number.POSITIVE_INFINITY);
    const event = refundFor(who.sub, 'LIN-fail-1');
    await queued.notify(event);
    const [record] = await finished('refund_started|LIN-fail-1|');
    expect(record).toMatchObject({ status: 'failed', attempts: 3, lastError: 'SMS gateway answered status 503' });

    failing.delete(who.phone);
    const again = await queued.notify(event);
    expect(again.deliveries).toEqual([expect.objectContaining({ created: false, status: 'failed' })]);
    expect(await queued.deliver(record?._id as string, true)).toBe('already_failed');
    expect(to(who.phone)).toHaveLength(0);
  });

  it("honours the citizen's channel and language, falling back to the contact they have", async () => {
    const smsOnly = await citizen({ channel: 'sms', language: 'hi' });
    const emailOnly = await citizen({ channel: 'email', language: 'bn' });
    const unset = await citizen();
    const noPhone = freshRecipient();
    await contacts.remember(noPhone.sub, { email: noPhone.email });
    await settings.save(noPhone.sub, { channel: 'sms' });
    const nobody = freshRecipient();
    await settings.save(nobody.sub, { channel: 'both' });

    const results = new Map<string, string[]>();
    for (const who of [smsOnly, emailOnly, unset, noPhone, nobody]) {
      results.set(who.sub, (await inline.notify(refundFor(who.sub, `LIN-choice-${who.sub}`))).channels);
    }

    expect(results.get(smsOnly.sub)).toEqual(['sms']);
    expect(to(smsOnly.phone)[0]?.text).toMatch(/\p{Script=Devanagari}/u);
    expect(to(smsOnly.email)).toHaveLength(0);
    expect(results.get(emailOnly.sub)).toEqual(['email']);
    expect(to(emailOnly.email)[0]?.subject).toMatch(/\p{Script=Bengali}/u);
    expect(to(emailOnly.phone)).toHaveLength(0);
    // No choice: email, in English.
    expect(results.get(unset.sub)).toEqual(['email']);
    expect(to(unset.email)[0]?.subject).toContain('Refund of');
    // SMS chosen, but no phone known: the email goes instead.
    expect(results.get(noPhone.sub)).toEqual(['email']);
    // Nothing known at all: nothing is sent and nothing is recorded.
    expect(results.get(nobody.sub)).toEqual([]);
    expect(await deliveries.model.countDocuments({ citizenSub: nobody.sub })).toBe(0);
  });

  it("uses the contact given with a demand when the payer has none on file, and the citizen's own when they do", async () => {
    const stranger = freshRecipient();
    const demand = {
      ...SAMPLES.demand_received.event,
      reference: `KMC-${stranger.sub}`,
      contact: { phone: stranger.phone, email: stranger.email },
      channel: 'both' as const,
    };
    expect((await inline.notify(demand)).channels).toEqual(['email', 'sms']);
    expect(to(stranger.phone)[0]?.text).toContain(`KMC-${stranger.sub}`);

    const known = await citizen({ channel: 'sms' });
    const other = freshRecipient();
    await inline.notify({
      ...demand,
      reference: `KMC-${known.sub}`,
      citizenSub: known.sub,
      contact: { phone: other.phone },
    });
    expect(to(known.phone)).toHaveLength(1);
    expect(to(other.phone)).toHaveLength(0);
  });

  /** Notifications whose jobs are never added (a lost enqueue, a crash before it). */
  const withoutJobs = () =>
    createNotifications({
      conn,
      notifier,
      log,
      publicUrl: PUBLIC_URL,
      queue: { add: async () => undefined } as unknown as SettlementQueue,
    });

  it('lets only one sender hold a message at a time', async () => {
    const who = await citizen({ channel: 'sms' });
    const {
      deliveries: [record],
    } = await withoutJobs().notify(refundFor(who.sub, 'LIN-lease-1'));
    // Held by a sender (the lease), as a worker in the middle of sending holds it.
    expect(await deliveries.claim(record?.id as string, 60_000)).not.toBeNull();
    expect(await deliveries.claim(record?.id as string, 60_000)).toBeNull();
    await expect(inline.deliver(record?.id as string, false)).rejects.toBeInstanceOf(DeliveryBusyError);
    expect(to(who.phone)).toHaveLength(0);
    // The sender gives up (its lease runs out, here set to have run out): the next one may send.
    await deliveries.model.updateOne({ _id: record?.id }, { $set: { leaseUntil: new Date(Date.now() - 1) } });
    expect(await inline.deliver(record?.id as string, false)).toBe('sent');
    expect(to(who.phone)).toHaveLength(1);
  });

  it('computes the delivery success rate over a period: sent / (sent + failed), still-queued ones not counted', async () => {
    const rates = createNotifications({ conn, notifier, log, publicUrl: PUBLIC_URL });
    const from = new Date(Date.now() + 3_600_000);
    const to = new Date(from.getTime() + 3_600_000);
    expect(await rates.successRate({ from, to })).toEqual({ sent: 0, failed: 0, rate: null });
    const inPeriod = new Date(from.getTime() + 60_000);
    const base = {
      kind: 'refund_started',
      channel: 'sms',
      to: '+919800000000',
      locale: 'en',
      reference: 'PAY',
      text: 't',
    };
    await deliveries.model.insertMany([
      ...[1, 2, 3].map((i) => ({ ...base, key: `rate-sent-${i}`, status: 'sent', finishedAt: inPeriod })),
      { ...base, key: 'rate-failed-1', status: 'failed', finishedAt: inPeriod },
      { ...base, key: 'rate-queued-1', status: 'queued' },
      { ...base, key: 'rate-before', status: 'failed', finishedAt: new Date(from.getTime() - 1) },
      { ...base, key: 'rate-at-end', status: 'failed', finishedAt: to },
    ]);
    expect(await rates.successRate({ from, to })).toEqual({ sent: 3, failed: 1, rate: 0.75 });
  });

  it('gives a queued message whose job was lost its job again, and sends it once', async () => {
    const who = await citizen({ channel: 'sms' });
    await withoutJobs().notify(refundFor(who.sub, 'LIN-lost-1'));
    await new Promise((r) => setTimeout(r, 5));

    expect(await queued.catchUp(0)).toBeGreaterThanOrEqual(1);
    await finished('refund_started|LIN-lost-1|');
    expect(to(who.phone)).toHaveLength(1);
  });

  it('tells a citizen once that the gateway turned their payment down, however often the sweep looks', async () => {
    const payments = new PaymentStore(conn);
    const who = await citizen({ channel: 'sms' });
    const { payment } = await payments.create(
      newPayment({ citizenSub: who.sub, lines: [newLine({ amountMinor: 123_450 })] }),
    );
    // As PaymentCapture applies the gateway's "failed".
    const failed = await payments.transitionPayment(payment._id, 'created', 'failed', 'payment_failed');
    if (!failed) throw new Error('the payment did not fail');
    const sweep = () => notifyFailedPayments({ payments, notifications: inline });

    expect(await sweep()).toContain(failed._id);
    expect(await sweep()).toEqual([]);
    expect(to(who.phone)).toHaveLength(1);
    expect(to(who.phone)[0]?.text).toContain(`payment ${failed._id}`);
    expect(to(who.phone)[0]?.text).toContain('Nothing was charged');
  });

  it('sends no failure message when the citizen has paid the same bills since', async () => {
    const payments = new PaymentStore(conn);
    const who = await citizen({ channel: 'sms' });
    const bill = newLine({ billNumber: `B-${who.sub}` });
    const { payment } = await payments.create(newPayment({ citizenSub: who.sub, lines: [bill] }));
    await payments.transitionPayment(payment._id, 'created', 'failed', 'payment_failed');
    // Tried again at once, and paid: the new payment holds the bill.
    const paid = await capturedPayment(payments, { citizenSub: who.sub, lines: [bill] });
    await billClaimModel(conn).create({ _id: paid.lines[0]?.billKey, paymentId: paid._id, claimedAt: new Date() });

    expect(await notifyFailedPayments({ payments, notifications: inline })).not.toContain(payment._id);
    expect(to(who.phone)).toHaveLength(0);
  });
});
