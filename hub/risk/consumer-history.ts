import { type Model, Schema } from 'mongoose';
import { type Connection, escapeRegExp } from '../../infra/mongo.js';
import type { Payment, PaymentModel } from '../payments/payment-model.js';
import { type ActivityDocs, type ActivityWrite, consumerDocId, RISK_ACTIVITY_COLLECTION } from './risk-activity.js';
import { consumerKeyOf } from './rule-checks.js';

/** How many of a consumer's settled payments the amount rule reads (the newest). */
export const HISTORY_LIMIT = 50;

/** Line statuses from which a line can never be settled. */
const NEVER_SETTLES_LINE = new Set(['failed', 'refunding', 'refunded', 'held']);
/** Payment statuses in which a line not settled yet never will be. */
const NEVER_SETTLES_PAYMENT = new Set(['completed', 'partially_refunded', 'refunded', 'held']);

/** One line paying the consumer: its payment, the line, the amount (paise) and the payment's creation. */
interface LineEntry {
  p: string;
  l: string;
  amt: number;
  at: Date;
}

/**
 * One consumer's payment history for the amount rule (collection `risk_activity`, `_id` =
 * consumerDocId of the consumer key: the bill key without its bill number). `settled`: lines of
 * it that settled; `pending`: lines checked out whose outcome was not known yet when last looked at.
 */
interface ConsumerHistoryDoc {
  _id: string;
  settled: LineEntry[];
  pending: LineEntry[];
}

/** Marks that every consumer's settled history was copied in from the payments (collection `risk_meta`). */
interface RiskMetaDoc {
  _id: string;
  state: 'running' | 'done';
  at: Date;
}

const lineEntrySchema = new Schema<LineEntry>(
  {
    p: { type: String, required: true },
    l: { type: String, required: true },
    amt: { type: Number, required: true },
    at: { type: Date, required: true },
  },
  { _id: false },
);
const consumerHistorySchema = new Schema<ConsumerHistoryDoc>(
  {
    _id: { type: String, required: true },
    settled: { type: [lineEntrySchema], default: [] },
    pending: { type: [lineEntrySchema], default: [] },
  },
  { collection: RISK_ACTIVITY_COLLECTION, versionKey: false },
);
const riskMetaSchema = new Schema<RiskMetaDoc>(
  {
    _id: { type: String, required: true },
    state: { type: String, enum: ['running', 'done'], required: true },
    at: { type: Date, required: true },
  },
  { collection: 'risk_meta', versionKey: false },
);

type ConsumerHistoryModel = Model<ConsumerHistoryDoc>;
type RiskMetaModel = Model<RiskMetaDoc>;

function consumerHistoryModel(conn: Connection): ConsumerHistoryModel {
  return (
    (conn.models.RiskConsumer as ConsumerHistoryModel | undefined) ??
    conn.model<ConsumerHistoryDoc>('RiskConsumer', consumerHistorySchema)
  );
}

function riskMetaModel(conn: Connection): RiskMetaModel {
  return (conn.models.RiskMeta as RiskMetaModel | undefined) ?? conn.model<RiskMetaDoc>('RiskMeta', riskMetaSchema);
}

/**
 * The meta document's id: the copy of settled histories from the payments collection into
 * `risk_activity` (a new id, so histories kept in the former `risk_consumers` are copied again).
 */
const SEED_ID = 'risk-activity-consumer-seed';
/** A copy still `running` after this long was abandoned (its process died): another takes it over. */
const SEED_STALE_MS = 10 * 60_000;

/** The same entry for the same line every time (field order included), so `$addToSet` keeps one. */
const lineEntry = (payment: Pick<Payment, '_id' | 'createdAt'>, line: { _id: string; amountMinor: number }) => ({
  p: payment._id,
  l: line._id,
  amt: line.amountMinor,
  at: payment.createdAt,
});

/**
 * Each consumer's settled amounts for the amount rule, kept per consumer instead of searched for in
 * the payments collection at every checkout. A checkout records its lines as `pending` under their
 * consumers; the next checkout for the same consumer looks those payments up by `_id` and moves
 * the settled lines to `settled` (and forgets lines that can never settle). Consumers' histories
 * from before this collection existed are copied in once (the seed); until that copy is done the
 * amount rule searches the payments collection as before.
 */
export class ConsumerHistory {
  private readonly model: ConsumerHistoryModel;
  private readonly meta: RiskMetaModel;
  /** Set once the seed is known to be done: not asked again by this process. */
  private seeded = false;
  private seeding: Promise<void> | undefined;

  constructor(
    private readonly payments: PaymentModel,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.model = consumerHistoryModel(payments.db);
    this.meta = riskMetaModel(payments.db);
  }

  /**
   * The upserts recording a new payment's lines as `pending` under their consumers, one per
   * consumer (sent with the citizen's in one bulk write by RiskCheck, risk-activity.ts).
   */
  checkoutWrites(payment: Payment): ActivityWrite[] {
    const keys = [...new Set(payment.lines.map(consumerKeyOf))];
    return keys.map((key) => ({
      updateOne: {
        filter: { _id: consumerDocId(key) },
        update: {
          $addToSet: {
            pending: {
              $each: payment.lines.filter((l) => consumerKeyOf(l) === key).map((l) => lineEntry(payment, l)),
            },
          },
          // The schema's default for a new consumer, as mongoose's upsert would set it.
          $setOnInsert: { settled: [] },
        },
        upsert: true,
      },
    }));
  }

  /**
   * Per line of the payment, the amounts (paise) of its consumer's settled lines in other
   * payments, newest payments first (at most HISTORY_LIMIT payments' worth), from the documents
   * read back after checkoutWrites (`docs`, by `_id`). Until the seed is done, the payments
   * collection is searched instead.
   */
  async historiesAfter(docs: ActivityDocs, payment: Payment): Promise<number[][]> {
    const keys = payment.lines.map(consumerKeyOf);
    if (!(await this.isSeeded())) {
      return Promise.all(keys.map((key) => this.searchSettled(key, payment._id)));
    }
    const mine = [...new Set(keys)]
      .map((key) => docs.get(consumerDocId(key)) as ConsumerHistoryDoc | undefined)
      .filter((doc) => doc !== undefined);
    const settled = await this.resolvePending(mine, payment._id);
    return keys.map((key) => newestAmounts(settled.get(consumerDocId(key)) ?? [], payment._id));
  }

  /**
   * Looks up the payments of the consumers' pending lines (other than this payment's) by `_id`,
   * moves lines that settled to `settled` and drops lines that never will. Returns each
   * consumer's settled entries as they now are.
   */
  private async resolvePending(docs: ConsumerHistoryDoc[], paymentId: string): Promise<Map<string, LineEntry[]>> {
    const settled = new Map(docs.map((d) => [d._id, [...d.settled]]));
    const ids = [...new Set(docs.flatMap((d) => d.pending.map((e) => e.p)).filter((p) => p !== paymentId))];
    if (ids.length === 0) return settled;
    const found = await this.payments
      .find({ _id: { $in: ids } })
      .select({ status: 1, 'lines._id': 1, 'lines.status': 1 })
      .lean<Pick<Payment, '_id' | 'status' | 'lines'>[]>()
      .exec();
    const byId = new Map(found.map((p) => [p._id, p]));
    const writes = [];
    for (const doc of docs) {
      const nowSettled: LineEntry[] = [];
      const gone: LineEntry[] = [];
      for (const entry of doc.pending) {
        if (entry.p === paymentId) continue;
        const payment = byId.get(entry.p);
        const line = payment?.lines.find((l) => l._id === entry.l);
        if (line?.status === 'settled') nowSettled.push(entry);
        else if (
          !payment ||
          !line ||
          NEVER_SETTLES_LINE.has(line.status) ||
          NEVER_SETTLES_PAYMENT.has(payment.status)
        ) {
          gone.push(entry);
        }
      }
      if (nowSettled.length + gone.length === 0) continue;
      settled.get(doc._id)?.push(...nowSettled);
      writes.push({
        updateOne: {
          filter: { _id: doc._id },
          update: {
            $addToSet: { settled: { $each: nowSettled } },
            $pull: { pending: { l: { $in: [...nowSettled, ...gone].map((e) => e.l) } } },
          },
        },
      });
    }
    if (writes.length > 0) await this.model.bulkWrite(writes, { ordered: false });
    return settled;
  }

  /** Whether every consumer's history from before this collection is in it; starts the copy if not. */
  private async isSeeded(): Promise<boolean> {
    if (this.seeded) return true;
    const meta = await this.meta.findById(SEED_ID).lean<RiskMetaDoc>().exec();
    if (meta?.state === 'done') {
      this.seeded = true;
      return true;
    }
    // A copy that fails is taken over once its claim is stale (SEED_STALE_MS); meanwhile the
    // amount rule keeps searching the payments collection, so nothing is lost by dropping the error.
    this.seeding ??= this.seed()
      .catch(() => undefined)
      .finally(() => {
        this.seeding = undefined;
      });
    return false;
  }

  /**
   * Copies every line of the payments collection into its consumer's history (settled lines as
   * settled, lines that may still settle as pending), once across all processes: the one that
   * moves the meta document to `running` does it (or takes over one left running too long).
   */
  private async seed(): Promise<void> {
    const now = this.clock();
    const claimed = await this.meta
      .findOneAndUpdate(
        {
          _id: SEED_ID,
          $or: [
            { state: { $exists: false } },
            { state: 'running', at: { $lt: new Date(now.getTime() - SEED_STALE_MS) } },
          ],
        },
        { $set: { state: 'running', at: now } },
        { upsert: true, returnDocument: 'after' },
      )
      .lean<RiskMetaDoc>()
      .exec()
      .catch(() => null); // another process holds it (duplicate key on the upsert): it does the copy
    if (!claimed) return;
    // Every payment: settled lines go to `settled`, lines that may still settle to `pending`.
    const cursor = this.payments
      .find({})
      .select({
        status: 1,
        createdAt: 1,
        'lines._id': 1,
        'lines.billKey': 1,
        'lines.billNumber': 1,
        'lines.status': 1,
        'lines.amountMinor': 1,
      })
      .lean<Pick<Payment, '_id' | 'status' | 'createdAt' | 'lines'>[]>()
      .cursor();
    for await (const payment of cursor) {
      const writes = [];
      for (const line of payment.lines) {
        const settles = line.status === 'settled';
        if (!settles && (NEVER_SETTLES_LINE.has(line.status) || NEVER_SETTLES_PAYMENT.has(payment.status))) continue;
        writes.push({
          updateOne: {
            filter: { _id: consumerDocId(consumerKeyOf(line)) },
            update: { $addToSet: { [settles ? 'settled' : 'pending']: lineEntry(payment, line) } },
            upsert: true,
          },
        });
      }
      if (writes.length > 0) await this.model.bulkWrite(writes, { ordered: false });
    }
    await this.meta.updateOne({ _id: SEED_ID }, { $set: { state: 'done', at: this.clock() } }).exec();
  }

  /** The amount rule's search of the payments collection, used until the seed is done. */
  private async searchSettled(consumerKey: string, exceptPaymentId: string): Promise<number[]> {
    const prefix = new RegExp(`^${escapeRegExp(consumerKey)}`);
    const found = await this.payments
      .find({ _id: { $ne: exceptPaymentId }, lines: { $elemMatch: { billKey: prefix, status: 'settled' } } })
      .select({ 'lines.billKey': 1, 'lines.billNumber': 1, 'lines.status': 1, 'lines.amountMinor': 1 })
      .sort({ createdAt: -1 })
      .limit(HISTORY_LIMIT)
      .lean<Pick<Payment, 'lines'>[]>()
      .exec();
    return found.flatMap((p) =>
      p.lines.filter((l) => l.status === 'settled' && consumerKeyOf(l) === consumerKey).map((l) => l.amountMinor),
    );
  }
}

/** The amounts of the newest HISTORY_LIMIT payments' settled lines (other than `exceptPaymentId`), newest first. */
function newestAmounts(entries: LineEntry[], exceptPaymentId: string): number[] {
  const others = entries.filter((e) => e.p !== exceptPaymentId).sort((a, b) => b.at.getTime() - a.at.getTime());
  const payments = [...new Set(others.map((e) => e.p))].slice(0, HISTORY_LIMIT);
  const kept = new Set(payments);
  return others.filter((e) => kept.has(e.p)).map((e) => e.amt);
}
