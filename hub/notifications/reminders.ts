import type { Logger } from '../../infra/logger.js';
import type { BillService } from '../bills/bill-service.js';
import { collectDues } from '../bills/dues.js';
import { todayInIndia } from '../bills/indian-day.js';
import type { PaymentModel } from '../payments/payment-model.js';
import type { SavedAccountDoc, SavedAccountModel } from '../saved-accounts/saved-account-model.js';
import type { OverdueNotice, PaymentReminder } from './events.js';
import type { Notifications } from './notifications.js';

const DAY_MS = 24 * 3600_000;
const PAGE = 200;

/** When reminders go out: so many days before a due date, and overdue notices up to so many days after. */
export interface ReminderOptions {
  /** Days before the due date a reminder is sent, e.g. [3, 1]; 0 is the due date itself. */
  daysBefore: readonly number[];
  /** An unpaid bill past its due date by 1 to this many days gets one overdue notice; 0 sends none. */
  overdueWithinDays: number;
}

export interface RemindDeps {
  accounts: SavedAccountModel;
  bills: Pick<BillService, 'fetch'>;
  /** For "is this bill paid already?" (collectDues reads the bill claims). */
  payments: PaymentModel;
  notifications: Pick<Notifications, 'notify'>;
  billerName: (billerId: string) => string;
  /** Where the citizen pays their bills (the portal's dues page). */
  duesUrl: string;
  log: Pick<Logger, 'info' | 'warn'>;
}

/** What one run did: messages recorded now, and the reminders a previous run already recorded. */
export interface ReminderReport {
  reminders: number;
  overdue: number;
  alreadySent: number;
  /** Accounts whose bill could not be fetched this time. */
  unreachable: number;
}

/** Whole days from one Indian date (YYYY-MM-DD) to another; negative when `to` is earlier. */
const daysFrom = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/** The message a bill calls for today, if any: a reminder on one of the chosen days, or an overdue notice. */
function messageFor(
  account: SavedAccountDoc,
  due: Awaited<ReturnType<typeof collectDues>>[number],
  today: string,
  options: ReminderOptions,
  deps: Pick<RemindDeps, 'billerName' | 'duesUrl'>,
): PaymentReminder | OverdueNotice | null {
  const { bill } = due;
  if (!bill || due.paid || bill.amountDueMinor <= 0) return null;
  const days = daysFrom(today, bill.dueDate);
  const common = {
    citizenSub: account.citizenSub,
    reference: bill.billNumber,
    billKey: `${account._id}|${bill.billNumber}`,
    payeeName: deps.billerName(account.billerId),
    amountMinor: due.payable?.amountMinor ?? bill.amountDueMinor,
    currency: bill.currency,
    dueDate: bill.dueDate,
    payUrl: deps.duesUrl,
  };
  if (days >= 0 && options.daysBefore.includes(days)) return { kind: 'payment_reminder', ...common, daysBefore: days };
  if (days < 0 && -days <= options.overdueWithinDays) return { kind: 'overdue_notice', ...common };
  return null;
}

/**
 * The `remind` job: goes through every saved account (in pages, by id), fetches its current bill
 * (collectDues: each biller with its timeout, a failing one skipped), and tells the citizen of an
 * unpaid bill due in one of `daysBefore` days, or overdue by at most `overdueWithinDays`. Each
 * message's dedupe key is the account, bill number, due date (and days before), so a re-run the
 * same day, or every replica running it, sends nothing twice; a bill already paid (or being paid)
 * gets nothing.
 */
export async function sendReminders(
  deps: RemindDeps,
  options: ReminderOptions,
  now = new Date(),
): Promise<ReminderReport> {
  const report: ReminderReport = { reminders: 0, overdue: 0, alreadySent: 0, unreachable: 0 };
  if (options.daysBefore.length === 0 && options.overdueWithinDays === 0) return report;
  const today = todayInIndia(now);
  let after: string | undefined;
  for (;;) {
    const page = await deps.accounts
      .find(after ? { _id: { $gt: after } } : {})
      .sort({ _id: 1 })
      .limit(PAGE)
      .lean<SavedAccountDoc[]>()
      .exec();
    const dues = await collectDues(page, deps.bills as BillService, deps.payments, now);
    for (const [index, due] of dues.entries()) {
      const account = page[index];
      if (!account) continue;
      if (due.error) report.unreachable += 1;
      const event = messageFor(account, due, today, options, deps);
      if (!event) continue;
      const told = await deps.notifications.notify(event);
      if (!told.deliveries.some((d) => d.created)) report.alreadySent += told.deliveries.length > 0 ? 1 : 0;
      else if (event.kind === 'payment_reminder') report.reminders += 1;
      else report.overdue += 1;
    }
    after = page.at(-1)?._id;
    if (page.length < PAGE || !after) break;
  }
  if (report.reminders + report.overdue > 0) deps.log.info({ ...report }, 'reminders sent');
  return report;
}
