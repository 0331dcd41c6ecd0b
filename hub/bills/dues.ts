import type { Bill } from '../../adapters/sdk/index.js';
import { AppError } from '../../infra/errors.js';
import { findBillPayers, findOpenCheckouts } from '../bill-claims/bill-status.js';
import { billKeyOf, type PaymentModel, type PaymentStatus } from '../payments/index.js';
import type { SavedAccountDoc } from '../saved-accounts/saved-account-model.js';
import type { BillService } from './bill-service.js';

export interface Due {
  account: { id: string; billerId: string; nickname: string; consumerMasked: string };
  bill?: Bill;
  cached?: boolean;
  /** A payment that pays (or paid) this bill: captured, settling, held, or its line posting, unknown or settled. */
  paid?: { paymentId: string; status: PaymentStatus };
  /** An unpaid checkout (created or awaiting payment) holding this bill: paying again supersedes it. */
  checkout?: { paymentId: string; status: PaymentStatus };
  error?: { code: string; detail: string; retryable: boolean };
}

/**
 * What is due on every saved account, fetched concurrently. One slow or failing biller
 * gives that account an error and never holds back the others (each call has its timeout).
 * With `payments`, each bill says whether a payment already pays it (`paid`) or an unpaid
 * checkout holds it (`checkout`), so the citizen is not invited to pay it twice (issue 8, hole 6).
 */
export async function collectDues(
  accounts: SavedAccountDoc[],
  bills: BillService,
  payments?: PaymentModel,
): Promise<Due[]> {
  const dues = await fetchDues(accounts, bills);
  if (!payments) return dues;
  const keyOf = (due: Due) =>
    due.bill
      ? billKeyOf({
          billerId: due.account.billerId,
          consumer: consumerOf(accounts, due),
          billNumber: due.bill.billNumber,
        })
      : undefined;
  const keys = dues.map(keyOf).filter((key): key is string => Boolean(key));
  const [payers, open] = await Promise.all([findBillPayers(payments, keys), findOpenCheckouts(payments, keys)]);
  return dues.map((due) => {
    const key = keyOf(due);
    const payer = payers.find((p) => p.billKey === key);
    const checkout = open.find((p) => p.billKey === key);
    return {
      ...due,
      ...(payer ? { paid: { paymentId: payer.paymentId, status: payer.status } } : {}),
      ...(!payer && checkout ? { checkout: { paymentId: checkout.paymentId, status: checkout.status } } : {}),
    };
  });
}

const consumerOf = (accounts: SavedAccountDoc[], due: Due) =>
  accounts.find((a) => a._id === due.account.id)?.consumer ?? {};

function fetchDues(accounts: SavedAccountDoc[], bills: BillService): Promise<Due[]> {
  return Promise.all(
    accounts.map(async (saved): Promise<Due> => {
      const account = {
        id: saved._id,
        billerId: saved.billerId,
        nickname: saved.nickname,
        consumerMasked: saved.consumerMasked,
      };
      try {
        const fetched = await bills.fetch(saved.billerId, saved.consumer);
        return { account, bill: fetched.bill, cached: fetched.cached };
      } catch (error) {
        const known = error instanceof AppError;
        return {
          account,
          error: {
            code: known ? error.code : 'internal_error',
            detail: known && error.expose ? error.message : 'could not fetch this bill',
            retryable: known ? Boolean(error.details?.retryable) : true,
          },
        };
      }
    }),
  );
}
