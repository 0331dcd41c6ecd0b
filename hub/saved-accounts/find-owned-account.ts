import { NotFoundError } from '../../infra/errors.js';
import type { SavedAccountDoc, SavedAccountModel } from './saved-account-model.js';

/**
 * The citizen's own saved account `id`. Throws NotFoundError (404) for an unknown id and for
 * another citizen's account alike, so an id never reveals that someone else's account exists.
 */
export async function findOwnedAccount(
  model: SavedAccountModel,
  citizenSub: string,
  id: string,
): Promise<SavedAccountDoc> {
  const found = await model.findOne({ _id: id, citizenSub }).lean<SavedAccountDoc>().exec();
  if (!found) throw new NotFoundError(`no saved account ${id}`);
  return found;
}
