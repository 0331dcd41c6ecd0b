import { ConflictError } from '../../infra/errors.js';
import type { Connection } from '../../infra/mongo.js';
import { type Delivery, type DeliveryModel, deliveryModel, newDeliveryId } from './delivery-model.js';

/** What a new record holds; status, attempts and timestamps are the store's. */
export type NewDelivery = Pick<Delivery, 'key' | 'kind' | 'channel' | 'to' | 'locale' | 'reference' | 'text'> &
  Partial<Pick<Delivery, 'citizenSub' | 'subject'>>;

/** Delivered over failed in a period; `rate` is null when nothing finished in it. */
export interface DeliveryRate {
  sent: number;
  failed: number;
  /** sent / (sent + failed), between 0 and 1. */
  rate: number | null;
}

/** An error message short enough to keep, with nothing after its first line (no stack, no payload). */
const shortError = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 300) ?? 'error';

/**
 * The record of every message sent to a citizen (collection notification_deliveries). Every
 * change is one conditional update of one document: a record is created once per key, only one
 * process at a time holds it for sending (its lease), and only a queued record becomes sent or
 * failed. No transactions, no TTL index: records are the delivery history and are kept.
 */
export class DeliveryStore {
  readonly model: DeliveryModel;

  constructor(conn: Connection) {
    this.model = deliveryModel(conn);
  }

  /** Builds the indexes; the dedupe relies on the unique key index existing. */
  async init(): Promise<void> {
    await this.model.init();
  }

  /**
   * The record for `input.key`: created queued when there is none, else the one already there
   * (created: false), whatever its status. Two callers racing create one.
   */
  async record(input: NewDelivery): Promise<{ delivery: Delivery; created: boolean }> {
    let created = false;
    await this.init();
    try {
      const result = await this.model.updateOne(
        { key: input.key },
        { $setOnInsert: { ...input, _id: newDeliveryId(), status: 'queued', attempts: 0 } },
        { upsert: true },
      );
      created = result.upsertedCount > 0;
    } catch (error) {
      // The other racer's upsert won the unique key: its record is the one.
      if (!(error instanceof ConflictError)) throw error;
    }
    const delivery = await this.model.findOne({ key: input.key }).lean<Delivery>().exec();
    if (!delivery) throw new Error(`delivery ${input.key} was neither created nor found`);
    return { delivery, created };
  }

  findById(id: string): Promise<Delivery | null> {
    return this.model.findById(id).lean<Delivery>().exec();
  }

  /**
   * Takes a queued record for one send: sets its lease for `leaseMs` and counts the attempt.
   * Null when it is sent, failed, or leased by another sender whose lease has not run out.
   */
  claim(id: string, leaseMs: number): Promise<Delivery | null> {
    const now = new Date();
    return this.model
      .findOneAndUpdate(
        { _id: id, status: 'queued', $or: [{ leaseUntil: null }, { leaseUntil: { $lte: now } }] },
        { $set: { leaseUntil: new Date(now.getTime() + leaseMs) }, $inc: { attempts: 1 } },
        { returnDocument: 'after' },
      )
      .lean<Delivery>()
      .exec();
  }

  /** queued → sent, releasing the lease; false when the record was not queued. */
  async markSent(id: string): Promise<boolean> {
    const result = await this.model.updateOne(
      { _id: id, status: 'queued' },
      { $set: { status: 'sent', finishedAt: new Date() }, $unset: { leaseUntil: 1 } },
    );
    return result.modifiedCount > 0;
  }

  /** queued → superseded (never sent: a later message says it all); false when it was not queued or is being sent. */
  async markSuperseded(id: string): Promise<boolean> {
    const now = new Date();
    const result = await this.model.updateOne(
      { _id: id, status: 'queued', $or: [{ leaseUntil: null }, { leaseUntil: { $lte: now } }] },
      { $set: { status: 'superseded', finishedAt: now }, $unset: { leaseUntil: 1 } },
    );
    return result.modifiedCount > 0;
  }

  /** Whether a message was recorded under `key` (`<event key>|<channel>`), whatever its status. */
  async exists(key: string): Promise<boolean> {
    return (await this.model.exists({ key }).exec()) !== null;
  }

  /** Of these delivery keys, the ones recorded (one query). */
  async existing(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const found = await this.model
      .find({ key: { $in: keys } }, { key: 1 })
      .lean<{ key: string }[]>()
      .exec();
    return new Set(found.map((delivery) => delivery.key));
  }

  /** When the first of these delivery keys was recorded (UTC); undefined when none is. */
  async firstRecordedAt(keys: readonly string[]): Promise<Date | undefined> {
    const first = await this.model
      .findOne({ key: { $in: keys } }, { createdAt: 1 })
      .sort({ createdAt: 1 })
      .lean<Pick<Delivery, 'createdAt'>>()
      .exec();
    return first?.createdAt;
  }

  /**
   * A failed send: the error is kept and the lease released; `final` (the last attempt) moves the
   * record queued → failed, otherwise it stays queued for the next attempt.
   */
  async recordFailure(id: string, error: unknown, final: boolean): Promise<void> {
    const set: Record<string, unknown> = { lastError: shortError(error) };
    if (final) Object.assign(set, { status: 'failed', finishedAt: new Date() });
    await this.model.updateOne({ _id: id, status: 'queued' }, { $set: set, $unset: { leaseUntil: 1 } });
  }

  /**
   * The delivery success rate of the messages that finished (sent or failed for good) in
   * [from, to): sent / (sent + failed). Messages still being retried are not counted yet.
   */
  async successRate(period: { from: Date; to: Date }): Promise<DeliveryRate> {
    const finishedAt = { $gte: period.from, $lt: period.to };
    const [sent, failed] = await Promise.all([
      this.model.countDocuments({ status: 'sent', finishedAt }).exec(),
      this.model.countDocuments({ status: 'failed', finishedAt }).exec(),
    ]);
    return { sent, failed, rate: sent + failed === 0 ? null : sent / (sent + failed) };
  }

  /** Queued records unchanged since `before`, oldest first, after the id `after` (a page of `limit`). */
  findQueued(before: Date, limit: number, after?: string): Promise<Delivery[]> {
    return this.model
      .find({ status: 'queued', updatedAt: { $lt: before }, ...(after ? { _id: { $gt: after } } : {}) })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<Delivery[]>()
      .exec();
  }
}
