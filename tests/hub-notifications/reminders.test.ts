import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bill, ConsumerRef } from '../../adapters/sdk/index.js';
import type { BillService } from '../../hub/bills/bill-service.js';
import { todayInIndia } from '../../hub/bills/indian-day.js';
import { ContactStore } from '../../hub/contacts/contact-store.js';
import {
  createNotifications,
  DeliveryStore,
  type Notifications,
  type RemindDeps,
  sendReminders,
} from '../../hub/notifications/index.js';
import { paymentModel } from '../../hub/payments/payment-model.js';
import { savedAccountModel } from '../../hub/saved-accounts/saved-account-model.js';
import { createLogger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import type { OutgoingMessage } from '../../infra/notifier/index.js';
import { isolatedMongo } from '../support/isolation.js';
import { PUBLIC_URL } from './events.js';
import { freshRecipient } from './recipients.js';

const log = createLogger('notify_remind', process.env.TEST_LOG_LEVEL ?? 'silent');
const DAY_MS = 24 * 3600_000;
/** The Indian date `days` after today's. */
const inDays = (days: number, now = new Date()) =>
  new Date(Date.parse(todayInIndia(now)) + days * DAY_MS).toISOString().slice(0, 10);

describe('reminders before a due date and overdue notices go out once per bill and due date', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let notifications: Notifications;
  let deliveries: DeliveryStore;
  let deps: RemindDeps;
  const sent: OutgoingMessage[] = [];
  /** The bill each consumer number has now, as its biller would answer. */
  const bills = new Map<string, Bill>();

  beforeAll(async () => {
    const mongo = await isolatedMongo('notify_remind');
    conn = mongo.conn;
    drop = mongo.drop;
    deliveries = new DeliveryStore(conn);
    notifications = createNotifications({
      conn,
      log,
      publicUrl: PUBLIC_URL,
      notifier: { send: async (message) => void sent.push(message) },
    });
    const fetch: BillService['fetch'] = async (billerId: string, consumer: ConsumerRef) => {
      const bill = bills.get(consumer.consumerNumber as string);
      if (!bill) throw new Error('no bill');
      return { billerId, bill, consumer, cached: false };
    };
    deps = {
      accounts: savedAccountModel(conn),
      bills: { fetch },
      payments: paymentModel(conn),
      notifications,
      billerName: () => 'State Electricity Distribution Co.',
      duesUrl: `${PUBLIC_URL}/dashboard`,
      log,
    };
  });

  afterAll(async () => {
    await drop?.();
  });

  /** A citizen with a saved electricity account whose bill is due on `dueDate`. */
  async function accountWithBill(dueDate: string, amountDueMinor = 182_600) {
    const who = freshRecipient();
    await new ContactStore(conn).remember(who.sub, { phone: who.phone });
    const consumerNumber = who.phone.slice(-10);
    await deps.accounts.create({
      _id: `ACC-${who.sub}`,
      citizenSub: who.sub,
      billerId: 'state-electricity',
      consumer: { consumerNumber },
      consumerKey: consumerNumber,
      consumerMasked: `******${consumerNumber.slice(-4)}`,
      nickname: 'Home',
    });
    bills.set(consumerNumber, {
      billNumber: `EB-${consumerNumber}`,
      customerName: 'L*** I***',
      billDate: inDays(-20),
      dueDate,
      amountDueMinor,
      breakup: [],
      currency: 'INR',
      fetchedAt: new Date().toISOString(),
    });
    return who;
  }
  const to = (who: { phone: string }) => sent.filter((m) => m.to === who.phone);

  it('sends a reminder N days before the due date once, and not again on a re-run or a second replica', async () => {
    const who = await accountWithBill(inDays(3));
    const options = { daysBefore: [3, 1], overdueWithinDays: 3 };

    const first = await sendReminders(deps, options);
    const [second, third] = await Promise.all([sendReminders(deps, options), sendReminders(deps, options)]);

    expect(first.reminders).toBeGreaterThanOrEqual(1);
    expect(second.reminders + third.reminders).toBe(0);
    expect(to(who)).toHaveLength(1);
    expect(to(who)[0]?.text).toContain(`EB-${who.phone.slice(-10)}`);
    expect(to(who)[0]?.text).toContain('due in 3 days');
    expect(to(who)[0]?.text).toContain(`${PUBLIC_URL}/dashboard`);
    expect(await deliveries.model.countDocuments({ citizenSub: who.sub, kind: 'payment_reminder' })).toBe(1);
  });

  it('reminds again only on the next chosen day, then sends one overdue notice after the due date', async () => {
    const due = inDays(3);
    const who = await accountWithBill(due);
    const options = { daysBefore: [3, 1], overdueWithinDays: 3 };
    const on = (daysLater: number) => sendReminders(deps, options, new Date(Date.now() + daysLater * DAY_MS));

    await on(0);
    await on(1); // due in 2 days: not a reminder day
    await on(2); // due tomorrow
    await on(2);
    await on(4); // a day overdue
    await on(5);
    await on(9); // long overdue: no more notices

    expect(to(who).map((m) => m.text.match(/due in \d+ days?|was due/)?.[0])).toEqual([
      'due in 3 days',
      'due in 1 day',
      'was due',
    ]);
    expect(await deliveries.model.countDocuments({ citizenSub: who.sub })).toBe(3);
  });

  it('leaves alone bills with nothing to pay and days that are not reminder days', async () => {
    const nothing = await accountWithBill(inDays(3), 0);
    const later = await accountWithBill(inDays(10));
    await sendReminders(deps, { daysBefore: [3, 1], overdueWithinDays: 3 });
    expect(to(nothing)).toHaveLength(0);
    expect(to(later)).toHaveLength(0);
  });
});
