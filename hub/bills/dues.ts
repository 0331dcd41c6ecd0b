import type { Bill } from '../../adapters/sdk/index.js';
import { AppError } from '../../infra/errors.js';
import type { SavedAccountDoc } from '../saved-accounts/saved-account-model.js';
import type { BillService } from './bill-service.js';

export interface Due {
  account: { id: string; billerId: string; nickname: string; consumerMasked: string };
  bill?: Bill;
  cached?: boolean;
  error?: { code: string; detail: string; retryable: boolean };
}

/**
 * What is due on every saved account, fetched concurrently. One slow or failing biller
 * gives that account an error and never holds back the others (each call has its timeout).
 */
export async function collectDues(accounts: SavedAccountDoc[], bills: BillService): Promise<Due[]> {
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
