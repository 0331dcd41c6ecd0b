import { randomBytes } from 'node:crypto';
import type { ConsumerRef } from '../../adapters/sdk/index.js';
import { ConflictError, NotFoundError } from '../../infra/errors.js';
import type { Connection } from '../../infra/mongo.js';
import type { BillService } from '../bills/bill-service.js';
import { consumerKey, maskConsumer } from '../bills/consumer-key.js';
import { type SavedAccountDoc, type SavedAccountModel, savedAccountModel } from './saved-account-model.js';
import { accountView, type SavedAccountView } from './saved-account-view.js';

export interface LinkRequest {
  billerId: string;
  consumer: ConsumerRef;
  nickname?: string;
}

/** A citizen's linked consumer accounts; every query is scoped to the citizen. */
export class SavedAccountStore {
  private readonly model: SavedAccountModel;

  constructor(
    conn: Connection,
    private readonly bills: BillService,
  ) {
    this.model = savedAccountModel(conn);
  }

  init(): Promise<void> {
    return this.model.init().then(() => undefined);
  }

  /** The citizen's saved accounts as stored (full consumer included): for the hub's own use, never a response. */
  list(citizenSub: string): Promise<SavedAccountDoc[]> {
    return this.model.find({ citizenSub }).sort({ createdAt: 1 }).lean<SavedAccountDoc[]>().exec();
  }

  /** The citizen's saved accounts as a response shows them (see accountView). */
  async listViews(citizenSub: string): Promise<SavedAccountView[]> {
    return (await this.list(citizenSub)).map(accountView);
  }

  /**
   * Links a consumer after the biller's rules and one real fetch prove it exists; the bill
   * fetched is returned too, and cached for the dashboard.
   */
  async link(citizenSub: string, request: LinkRequest) {
    const fetched = await this.bills.fetch(request.billerId, request.consumer, { fresh: true });
    const { descriptor } = this.bills.biller(request.billerId);
    // Keyed, stored and masked in the normalised form the fetch used: " 1002003004 " is 1002003004.
    const consumer = fetched.consumer;
    const key = consumerKey(descriptor, consumer);
    try {
      const created = await this.model.create({
        _id: `ACC${randomBytes(10).toString('hex').toUpperCase()}`,
        citizenSub,
        billerId: request.billerId,
        consumer,
        consumerKey: key,
        consumerMasked: maskConsumer(descriptor, consumer),
        nickname: request.nickname?.trim() || descriptor.name,
      });
      return { account: accountView(created.toObject() as SavedAccountDoc), bill: fetched.bill };
    } catch (error) {
      if (error instanceof ConflictError) throw new ConflictError('this consumer is already linked');
      throw error;
    }
  }

  async unlink(citizenSub: string, id: string): Promise<void> {
    const { deletedCount } = await this.model.deleteOne({ _id: id, citizenSub });
    if (deletedCount === 0) throw new NotFoundError('no such saved account');
  }
}
