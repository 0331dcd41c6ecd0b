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
 * paying many consumers). A checkout is recorded with one conditional upsert (checkoutWrite, sent
 * with the consumers' in one bulk write by RiskCheck, risk-activity.ts), and the document read
 * back gives the facts (factsAfter): the failure rule asks the status of only the citizen's
 * payments that may still be failed (by `_id`), and forgets those that never can be. Cost per
 * checkout: a small document written and read and, when the citizen has unpaid checkouts, one
 * lookup by `_id`, however many payments the hub holds. The first time a citizen is seen (or after
 * this document is lost) their payments of the last 30 days are copied in once from the payments
 * collection.
 */
export class CitizenActivity {
  /** The citizens' activity documents' model: any model of `risk_activity` serves recordActivity. */
  readonly model: CitizenActivityModel;

  constructor(private readonly payments: PaymentModel) {
    this.model = citizenActivityModel(payments.db);
  }

  /** The upsert recording a new payment's checkout on its citizen's document (entries built from the payment). */
  checkoutWrite(payment: Payment): ActivityWrite {
    return {
      updateOne: {
        filter: { _id: citizenDocId(payment.citizenSub) },
        update: {
          $addToSet: { checkouts: checkoutEntry(payment), open: openEntry(payment) },
          $min: { firstSeenAt: payment.createdAt },
        },
        upsert: true,
      },
    };
  }

  /**
   * The facts the rules read, as of `now`, from the citizen's document as read back after
   * checkoutWrite (`doc`; seeded first when it has not been, or is missing).
   */
  async factsAfter(doc: CitizenActivityDoc | undefined, payment: Payment, now: Date): Promise<CitizenFacts> {
    let seen: CitizenActivityDoc | null | undefined = doc;
    if (!seen?.seeded) seen = await this.seed(payment.citizenSub, now);
    if (!seen) throw new Error(`risk activity of ${payment.citizenSub} vanished`);
    const cutoff = now.getTime() - LONGEST_WINDOW_MS;
    const failed = await this.failedAmong(seen, payment._id, cutoff);
    const stale = seen.checkouts.some((e) => e.at.getTime() < cutoff) || seen.open.some((e) => e.at.getTime() < cutoff);
    if (stale) {
      const old = new Date(cutoff);
      await this.model
        .updateOne({ _id: seen._id }, { $pull: { checkouts: { at: { $lt: old } }, open: { at: { $lt: old } } } })
        .exec();
    }
    return {
      checkouts: seen.checkouts
        .filter((e) => e.at.getTime() >= cutoff)
        .map((e) => ({ _id: e.p, createdAt: e.at, consumers: e.c })),
      failed,
      firstSeenAt: seen.firstSeenAt,
    };
  }

  /**
   * The open payments (other than this one) that are failed now; those that can no longer fail
   * (paid, expired, cancelled, or gone) are dropped from `open` so they are not asked again.
   */
  private async failedAmong(doc: CitizenActivityDoc, paymentId: string, cutoff: number): Promise<Set<string>> {
    const ids = doc.open.filter((e) => e.p !== paymentId && e.at.getTime() >= cutoff).map((e) => e.p);
    if (ids.length === 0) return new Set();
    // `_id` alone in the filter: served by the _id index on every MongoDB-compatible server.
    const found = await this.payments
      .find({ _id: { $in: ids } })
      .select({ status: 1 })
      .lean<Pick<Payment, '_id' | 'status'>[]>()
      .exec();
    const status = new Map(found.map((p) => [p._id, p.status]));
    const done = ids.filter((id) => !MAY_BE_FAILED.has(status.get(id) ?? 'gone'));
    // Forgotten a few at a time: one write per PULL_BATCH checkouts instead of one per checkout.
    if (done.length >= PULL_BATCH) {
      await this.model.updateOne({ _id: doc._id }, { $pull: { open: { p: { $in: done } } } }).exec();
    }
    return new Set(ids.filter((id) => status.get(id) === 'failed'));
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
