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

/** Citizens whose cleanup this process keeps for their next checkout here, at most (oldest forgotten first). */
const REMEMBERED_CLEANUPS = 10_000;

/**
 * What a citizen's next checkout removes from their document, by payment id: checkouts out of the
 * longest window, and open payments out of it or known never to fail again. Either can only ever
 * be removed (a payment never re-enters the window, and one that cannot fail stays so), so a
 * cleanup that arrives late, twice, or after another process's is still right.
 */
interface Cleanup {
  checkouts: string[];
  open: string[];
}

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
 * payments that may still be failed (by `_id`). Entries that can no longer count (out of the
 * longest window, or payments that can no longer fail) are removed by a pull sent in the same
 * bulk write as the citizen's next checkout in this process (a Cleanup remembered by factsAfter),
 * not by a write of their own; until then the facts skip them. Cost per checkout: one bulk write,
 * a small document read and, when the citizen has unpaid checkouts, one lookup by `_id`, however
 * many payments the hub holds. The first time a citizen is seen (or after this document is lost)
 * their payments of the last 30 days are copied in once from the payments collection.
 */
export class CitizenActivity {
  /** The citizens' activity documents' model: any model of `risk_activity` serves recordActivity. */
  readonly model: CitizenActivityModel;
  /** Cleanups found by factsAfter, by citizen subject, for that citizen's next checkout (insertion order = age). */
  private readonly cleanups = new Map<string, Cleanup>();

  constructor(private readonly payments: PaymentModel) {
    this.model = citizenActivityModel(payments.db);
  }

  /**
   * The writes recording a new payment's checkout on its citizen's document (entries built from
   * the payment): the upsert, and the pull of a cleanup remembered from the citizen's last checkout
   * here, if any (two operations of the same bulk write; they touch different entries).
   */
  checkoutWrites(payment: Payment): ActivityWrite[] {
    const _id = citizenDocId(payment.citizenSub);
    const record: ActivityWrite = {
      updateOne: {
        filter: { _id },
        update: {
          $addToSet: { checkouts: checkoutEntry(payment), open: openEntry(payment) },
          $min: { firstSeenAt: payment.createdAt },
        },
        upsert: true,
      },
    };
    const cleanup = this.cleanups.get(payment.citizenSub);
    if (!cleanup) return [record];
    this.cleanups.delete(payment.citizenSub);
    const pull: Record<string, unknown> = {};
    if (cleanup.checkouts.length > 0) pull.checkouts = { p: { $in: cleanup.checkouts } };
    if (cleanup.open.length > 0) pull.open = { p: { $in: cleanup.open } };
    return [record, { updateOne: { filter: { _id }, update: { $pull: pull } } }];
  }

  /**
   * The facts the rules read, as of `now`, from the citizen's document as read back after
   * checkoutWrites (`doc`; seeded first when it has not been, or is missing). Remembers what the
   * citizen's next checkout removes (see Cleanup).
   */
  async factsAfter(doc: CitizenActivityDoc | undefined, payment: Payment, now: Date): Promise<CitizenFacts> {
    let seen: CitizenActivityDoc | null | undefined = doc;
    if (!seen?.seeded) seen = await this.seed(payment.citizenSub, now);
    if (!seen) throw new Error(`risk activity of ${payment.citizenSub} vanished`);
    const cutoff = now.getTime() - LONGEST_WINDOW_MS;
    const { failed, done } = await this.failedAmong(seen, payment._id, cutoff);
    const stale = (entries: { p: string; at: Date }[]) =>
      entries.filter((e) => e.at.getTime() < cutoff).map((e) => e.p);
    this.remember(payment.citizenSub, {
      checkouts: stale(seen.checkouts),
      // Forgotten a few at a time: a pull in one checkout in PULL_BATCH, not in every one.
      open: [...stale(seen.open), ...(done.length >= PULL_BATCH ? done : [])],
    });
    return {
      checkouts: seen.checkouts
        .filter((e) => e.at.getTime() >= cutoff)
        .map((e) => ({ _id: e.p, createdAt: e.at, consumers: e.c })),
      failed,
      firstSeenAt: seen.firstSeenAt,
    };
  }

  /** Keeps a non-empty cleanup for the citizen's next checkout, forgetting the oldest past REMEMBERED_CLEANUPS. */
  private remember(citizenSub: string, cleanup: Cleanup): void {
    this.cleanups.delete(citizenSub);
    if (cleanup.checkouts.length + cleanup.open.length === 0) return;
    this.cleanups.set(citizenSub, cleanup);
    if (this.cleanups.size > REMEMBERED_CLEANUPS) {
      const oldest = this.cleanups.keys().next().value;
      if (oldest !== undefined) this.cleanups.delete(oldest);
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
