import type { SavedAccountDoc } from './saved-account-model.js';

/** A saved account as the API shows it: `id`, and the consumer only masked (last four characters). */
export interface SavedAccountView {
  id: string;
  billerId: string;
  nickname: string;
  consumerMasked: string;
  createdAt?: Date;
}

/**
 * The public shape of a saved account: no internals (`_id`, `__v`, `citizenSub`, `consumerKey`)
 * and never the full consumer number, which only the hub needs (to fetch and to pay).
 */
export function accountView(doc: SavedAccountDoc): SavedAccountView {
  return {
    id: doc._id,
    billerId: doc.billerId,
    nickname: doc.nickname,
    consumerMasked: doc.consumerMasked,
    ...(doc.createdAt ? { createdAt: doc.createdAt } : {}),
  };
}
