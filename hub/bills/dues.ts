import type { Bill, ConsumerRef } from '../../adapters/sdk/index.js';
import { findBillPayers, findOpenCheckouts } from '../bill-claims/bill-status.js';
import { billKeyOf, type PaymentModel, type PaymentStatus } from '../payments/index.js';
import type { SavedAccountDoc } from '../saved-accounts/saved-account-model.js';
import { accountView, type SavedAccountView } from '../saved-accounts/saved-account-view.js';
import type { BillService } from './bill-service.js';
import { type FetchFailure, fetchFailureOf } from './fetch-failure.js';
import { todayInIndia } from './indian-day.js';
import { type PayableToday, payableToday } from './payable-today.js';

export interface Due {
  /** The saved account, as the API shows it (id, biller, nickname, masked consumer). */
  account: SavedAccountView;
  bill?: Bill;
  cached?: boolean;
  /** What the bill asks for today (Indian date), with the rebate or late fee that applied. */
  payable?: PayableToday;
  /** A ready checkout line for this bill: POST it in `lines` to pay today's amount. */
  checkoutLine?: { accountId: string; billNumber: string; amountMinor: number };
  /** A payment that pays (or paid) this bill: captured, settling, held, or its line posting, unknown or settled. */
  paid?: { paymentId: string; status: PaymentStatus };
  /** An unpaid checkout (created or awaiting payment) holding this bill: paying again supersedes it. */
  checkout?: { paymentId: string; status: PaymentStatus };
  error?: FetchFailure;
}

/** A due with the normalised consumer it was fetched for: the hub's own, never a response. */
interface FetchedDue {
  due: Due;
  consumer?: ConsumerRef;
}

/**
 * What is due on every saved account, fetched concurrently. One slow or failing biller
 * gives that account an error and never holds back the others (each call has its timeout).
 * Each bill carries today's payable amount (`payable`, by the Indian date `now` falls on) and a
 * `checkoutLine` naming the saved account. With `payments`, each bill says whether a payment
 * already pays it (`paid`) or an unpaid checkout holds it (`checkout`), so the citizen is not
 * invited to pay it twice (issue 8, hole 6).
 */
export async function collectDues(
  accounts: SavedAccountDoc[],
  bills: BillService,
  payments?: PaymentModel,
  now = new Date(),
): Promise<Due[]> {
  const fetched = await fetchDues(accounts, bills, todayInIndia(now));
  if (!payments) return fetched.map((f) => f.due);
  // Keyed on the normalised consumer, as a checkout keys its lines (billKeyOf).
  const keyOf = ({ due, consumer }: FetchedDue) =>
    due.bill && consumer
      ? billKeyOf({ billerId: due.account.billerId, consumer, billNumber: due.bill.billNumber })
      : undefined;
  const keys = fetched.map(keyOf).filter((key): key is string => Boolean(key));
  const [payers, open] = await Promise.all([findBillPayers(payments, keys), findOpenCheckouts(payments, keys)]);
  return fetched.map((entry) => {
    const key = keyOf(entry);
    const payer = payers.find((p) => p.billKey === key);
    const checkout = open.find((p) => p.billKey === key);
    return {
      ...entry.due,
      ...(payer ? { paid: { paymentId: payer.paymentId, status: payer.status } } : {}),
      ...(!payer && checkout ? { checkout: { paymentId: checkout.paymentId, status: checkout.status } } : {}),
    };
  });
}

function fetchDues(accounts: SavedAccountDoc[], bills: BillService, day: string): Promise<FetchedDue[]> {
  return Promise.all(
    accounts.map(async (saved): Promise<FetchedDue> => {
      const account = accountView(saved);
      try {
        const { bill, cached, consumer } = await bills.fetch(saved.billerId, saved.consumer);
        const payable = payableToday(bill, day);
        return {
          consumer,
          due: {
            account,
            bill,
            cached,
            payable,
            checkoutLine: { accountId: saved._id, billNumber: bill.billNumber, amountMinor: payable.amountMinor },
          },
        };
      } catch (error) {
        return { due: { account, error: fetchFailureOf(error, 'could not fetch this bill') } };
      }
    }),
  );
}
