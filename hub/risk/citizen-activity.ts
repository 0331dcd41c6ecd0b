import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';
import type { Payment, PaymentModel } from '../payments/payment-model.js';
import { type ActivityWrite, citizenDocId, RISK_ACTIVITY_COLLECTION } from './risk-activity.js';
import { consumerKeyOf } from './rule-checks.js';

/**
 * The longest window any checkout rule may be set to (risk-rules.ts: `minutes`, 30 days): activity
 * older than this can never count again, whatever an operator sets, so it is dropped.
 */
export const LONGEST_WINDOW_MS = 43_200 * 60_000;

/** Payment statuses from which a payment may still be (or become) `failed`; any other never fails again. */
const MAY_BE_FAILED = new Set(['created', 'awaiting_payment', 'failed']);

/** Payments known never to fail again are dropped from `open` once this many have gathered. */
const PULL_BATCH = 8;

/** Citizens whose forgettable payments this process keeps for their next checkout here, at most (oldest first out). */
const REMEMBERED_CITIZENS = 10_000;

/** One checkout of the citizen: the payment, when it was made, and the consumers its lines pay. */
interface CheckoutEntry {
  p: string;
  at: Date;
  c: string[];
}

/** A payment of the citizen that may still count as failed (its status is asked at the next checkout). */
interface OpenEntry {
  p: string;
  at: Date;
}

/**
 * One citizen's checkout activity (collection `risk_activity`, `_id` = citizenDocId), kept
 * as checkouts happen so the checkout rules read one document by its unique key instead of
 * querying the payments collection. `seeded`: the citizen's payments made before this document
 * existed have been copied in (once, from the payments themselves).
 */
export interface CitizenActivityDoc {
  _id: string;
  firstSeenAt: Date;
  seeded?: boolean;
  checkouts: CheckoutEntry[];
  open: OpenEntry[];
}

const checkoutEntrySchema = new Schema<CheckoutEntry>(
  { p: { type: String, required: true }, at: { type: Date, required: true }, c: [String] },
  { _id: false },
);
const openEntrySchema = new Schema<OpenEntry>(
  { p: { type: String, required: true }, at: { type: Date, required: true } },
  { _id: false },
);
const citizenActivitySchema = new Schema<CitizenActivityDoc>(
  {
    _id: { type: String, required: true },
    firstSeenAt: { type: Date, required: true },
    seeded: Boolean,
    checkouts: { type: [checkoutEntrySchema], default: [] },
    open: { type: [openEntrySchema], default: [] },
  },
  { collection: RISK_ACTIVITY_COLLECTION, versionKey: false },
);

export type CitizenActivityModel = Model<CitizenActivityDoc>;

function citizenActivityModel(conn: Connection): CitizenActivityModel {
  return (
    (conn.models.RiskCitizen as CitizenActivityModel | undefined) ??
    conn.model<CitizenActivityDoc>('RiskCitizen', citizenActivitySchema)
  );
}

/**
 * The same entry for the same payment every time (field order included), so `$addToSet` keeps one
 * when a checkout and the seeding both record it.
 */
const checkoutEntry = (p: Pick<Payment, '_id' | 'createdAt' | 'lines'>): CheckoutEntry => ({
  p: p._id,
  at: p.createdAt,
  c: [...new Set(p.lines.map(consumerKeyOf))].sort(),
});
const openEntry = (p: Pick<Payment, '_id' | 'createdAt'>): OpenEntry => ({ p: p._id, at: p.createdAt });

/** What the citizen rules read, as of a checkout just recorded. */
export interface CitizenFacts {
  /** The citizen's checkouts of the last 30 days (this one among them), each with its consumers. */
  checkouts: { _id: string; createdAt: Date; consumers: string[] }[];
  /** Ids of those payments that are `failed` now. */
  failed: Set<string>;
  /** When the hub first saw the citizen pay. */
  firstSeenAt: Date;
}

/**
 * Per-citizen checkout activity for the checkout rules (velocity, own failures, a new account
 * paying many consumers). A checkout is recorded with one conditional upsert (checkoutWrites, sent
 * with the consumers' in one bulk write by RiskCheck, risk-activity.ts), and the document read
 * back gives the facts (factsAfter): the failure rule asks the status of only the citizen's
 * payments that may still be failed (by `_id`). Entries that can no longer count leave in that
 * same bulk write, never in a write of their own: entries out of the longest window by their date
 * (with every checkout), and open payments that can no longer fail by their ids, remembered by
 * this process from the citizen's last checkout here (a few at a time; one forgotten by the process
 * stays until it leaves the window, and the facts skip it meanwhile). Cost per checkout: one bulk
 * write, a small document read and, when the citizen has unpaid checkouts, one lookup by `_id`,
 * however many payments the hub holds. The first time a citizen is seen (or after this document is
 * lost) their payments of the last 30 days are copied in once from the payments collection.
 */
export class CitizenActivity {
  /** The citizens' activity documents' model: any model of `risk_activity` serves recordActivity. */
  readonly model: CitizenActivityModel;
  /**
   * Payments found unable to fail by factsAfter, by citizen subject, for that citizen's next
   * checkout to pull (insertion order = age). A payment out of created, awaiting_payment and failed
   * never becomes failed, so a pull that comes late, twice, or from another process is still right.
   */
  private readonly forgettable = new Map<string, string[]>();

  constructor(private readonly payments: PaymentModel) {
    this.model = citizenActivityModel(payments.db);
  }

  /**
   * The writes recording a new payment's checkout on its citizen's document (entries built from
   * the payment), as of `now`: the upsert; the pull of entries out of the longest window (they can
   * never count again); and the pull of the payments remembered as unable to fail, if any. Three
   * operations of one bulk write, on different entries (the new one is in neither pull).
   */
  checkoutWrites(payment: Payment, now: Date): ActivityWrite[] {
    const _id = citizenDocId(payment.citizenSub);
    const old = new Date(now.getTime() - LONGEST_WINDOW_MS);
    const writes: ActivityWrite[] = [
      {
        updateOne: {
          filter: { _id },
          update: {
            $addToSet: { checkouts: checkoutEntry(payment), open: openEntry(payment) },
            $min: { firstSeenAt: payment.createdAt },
          },
          upsert: true,
        },
      },
      {
        updateOne: {
          filter: { _id },
          update: { $pull: { checkouts: { at: { $lt: old } }, open: { at: { $lt: old } } } },
        },
      },
    ];
    const done = this.forgettable.get(payment.citizenSub);
    if (done) {
      this.forgettable.delete(payment.citizenSub);
      writes.push({ updateOne: { filter: { _id }, update: { $pull: { open: { p: { $in: done } } } } } });
    }
    return writes;
  }

  /**
   * The facts the rules read, as of `now`, from the citizen's document as read back after
   * checkoutWrites (`doc`; seeded first when it has not been, or is missing). Remembers the
   * payments that can no longer fail for the citizen's next checkout to pull, once PULL_BATCH
   * have gathered.
   */
  async factsAfter(doc: CitizenActivityDoc | undefined, payment: Payment, now: Date): Promise<CitizenFacts> {
    let seen: CitizenActivityDoc | null | undefined = doc;
    if (!seen?.seeded) seen = await this.seed(payment.citizenSub, now);
    if (!seen) throw new Error(`risk activity of ${payment.citizenSub} vanished`);
    const cutoff = now.getTime() - LONGEST_WINDOW_MS;
    const { failed, done } = await this.failedAmong(seen, payment._id, cutoff);
    // A pull in one checkout in PULL_BATCH, not in every one.
    this.remember(payment.citizenSub, done.length >= PULL_BATCH ? done : []);
    return {
      checkouts: seen.checkouts
        .filter((e) => e.at.getTime() >= cutoff)
        .map((e) => ({ _id: e.p, createdAt: e.at, consumers: e.c })),
      failed,
      firstSeenAt: seen.firstSeenAt,
    };
  }

  /** Keeps `done` for the citizen's next checkout (none: forgets), dropping the oldest past REMEMBERED_CITIZENS. */
  private remember(citizenSub: string, done: string[]): void {
    this.forgettable.delete(citizenSub);
    if (done.length === 0) return;
    this.forgettable.set(citizenSub, done);
    if (this.forgettable.size > REMEMBERED_CITIZENS) {
      const oldest = this.forgettable.keys().next().value;
      if (oldest !== undefined) this.forgettable.delete(oldest);
    }
  }

  /**
   * Of the open payments (other than this one) in the window: those failed now, and those done
   * (paid, expired, cancelled, or gone), which can never fail again.
   */
  private async failedAmong(
    doc: CitizenActivityDoc,
    paymentId: string,
    cutoff: number,
  ): Promise<{ failed: Set<string>; done: string[] }> {
    const ids = doc.open.filter((e) => e.p !== paymentId && e.at.getTime() >= cutoff).map((e) => e.p);
    if (ids.length === 0) return { failed: new Set(), done: [] };
    // `_id` alone in the filter: served by the _id index on every MongoDB-compatible server.
    const found = await this.payments
      .find({ _id: { $in: ids } })
      .select({ status: 1 })
      .lean<Pick<Payment, '_id' | 'status'>[]>()
      .exec();
    const status = new Map(found.map((p) => [p._id, p.status]));
    return {
      failed: new Set(ids.filter((id) => status.get(id) === 'failed')),
      done: ids.filter((id) => !MAY_BE_FAILED.has(status.get(id) ?? 'gone')),
    };
  }

  /** Copies the citizen's payments of the last 30 days and their first payment's date in, once. */
  private async seed(citizenSub: string, now: Date): Promise<CitizenActivityDoc | null> {
    const since = new Date(now.getTime() - LONGEST_WINDOW_MS);
    const [recent, first] = await Promise.all([
      this.payments
        .find({ citizenSub, createdAt: { $gte: since } })
        .select({ status: 1, createdAt: 1, 'lines.billKey': 1, 'lines.billNumber': 1 })
        .lean<Pick<Payment, '_id' | 'status' | 'createdAt' | 'lines'>[]>()
        .exec(),
      this.payments
        .findOne({ citizenSub })
        .select({ createdAt: 1 })
        .sort({ createdAt: 1 })
        .lean<Pick<Payment, 'createdAt'>>()
        .exec(),
    ]);
    return this.model
      .findOneAndUpdate(
        { _id: citizenDocId(citizenSub) },
        {
          $addToSet: {
            checkouts: { $each: recent.map(checkoutEntry) },
            open: { $each: recent.filter((p) => MAY_BE_FAILED.has(p.status)).map(openEntry) },
          },
          ...(first ? { $min: { firstSeenAt: first.createdAt } } : {}),
          $set: { seeded: true },
        },
        { returnDocument: 'after' },
      )
      .lean<CitizenActivityDoc>()
      .exec();
  }
}
