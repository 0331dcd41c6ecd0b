import { type Model, Schema } from 'mongoose';
import { type Connection, isDuplicateKeyError } from '../../infra/mongo.js';
import { caseKey, DIFFERENCE_CLASSES, type Difference, type DifferenceClass } from './differences.js';

/** An operator case: one per difference, keyed by class and subject, whichever run found it. */
export interface ReconCase {
  /** `<class>:<subject>` (see caseKey): a re-run finds the same key and opens nothing new. */
  _id: string;
  class: DifferenceClass;
  status: 'open' | 'closed';
  /** The IST day whose run found it first. */
  date: string;
  paymentId?: string;
  lineId?: string;
  billerId?: string;
  reference?: string;
  detail: string;
  /** Set when an automatic resolution was tried and failed: why it became a case. */
  resolutionError?: string;
  openedAt: Date;
  /** Set when an operator closes the case (hub/operator/actions/close-recon-case.ts). */
  closed?: { at: Date; by: { sub: string; label?: string }; disposition: string; reason: string };
}

/** Per class: how many were found, resolved automatically, and left with an open case. */
export type ClassCounts = Record<string, { found: number; resolved: number; cases: number }>;

/** The latest run's report for one IST day. */
export interface ReconReport {
  /** The IST day, YYYY-MM-DD: one report per day, replaced by each run of that day. */
  _id: string;
  startedAt: Date;
  durationMs: number;
  runs: number;
  payments: number;
  /** Found, resolved, cased, by difference class; plus matched and in_flight as `found` only. */
  counts: ClassCounts;
  /** Cases this run opened (new keys). */
  casesOpened: number;
  /** Differences of this run whose case is open. */
  casesOpen: number;
  /** Billers whose collection file could not be read: their lines were not judged. */
  sourceErrors: string[];
}

const caseSchema = new Schema<ReconCase>(
  {
    _id: { type: String, required: true },
    class: { type: String, enum: DIFFERENCE_CLASSES, required: true },
    status: { type: String, enum: ['open', 'closed'], required: true, default: 'open' },
    date: { type: String, required: true },
    paymentId: String,
    lineId: String,
    billerId: String,
    reference: String,
    detail: { type: String, required: true },
    resolutionError: String,
    openedAt: { type: Date, required: true },
    closed: new Schema(
      {
        at: { type: Date, required: true },
        by: new Schema({ sub: { type: String, required: true }, label: String }, { _id: false }),
        disposition: { type: String, required: true },
        reason: { type: String, required: true },
      },
      { _id: false },
    ),
  },
  { collection: 'recon_cases', versionKey: false },
);
caseSchema.index({ status: 1, class: 1 });
caseSchema.index({ paymentId: 1 });

const reportSchema = new Schema<ReconReport>(
  {
    _id: { type: String, required: true },
    startedAt: { type: Date, required: true },
    durationMs: { type: Number, required: true },
    runs: { type: Number, required: true },
    payments: { type: Number, required: true },
    counts: { type: Schema.Types.Mixed, required: true },
    casesOpened: { type: Number, required: true },
    casesOpen: { type: Number, required: true },
    sourceErrors: { type: [String], default: [] },
  },
  { collection: 'recon_reports', versionKey: false, minimize: false },
);

/** recon_cases and recon_reports on one connection. */
export class ReconStore {
  readonly cases: Model<ReconCase>;
  readonly reports: Model<ReconReport>;

  constructor(conn: Connection) {
    this.cases =
      (conn.models.ReconCase as Model<ReconCase> | undefined) ?? conn.model<ReconCase>('ReconCase', caseSchema);
    this.reports =
      (conn.models.ReconReport as Model<ReconReport> | undefined) ??
      conn.model<ReconReport>('ReconReport', reportSchema);
  }

  async init(): Promise<void> {
    await Promise.all([this.cases.init(), this.reports.init()]);
  }

  /**
   * Opens the case for a difference unless its key exists (open or closed): one conditional
   * upsert that only inserts. Returns the case and whether this call opened it.
   */
  async openCase(
    date: string,
    difference: Difference,
    resolutionError?: string,
  ): Promise<{ case: ReconCase; opened: boolean }> {
    const key = caseKey(difference);
    const fields: Omit<ReconCase, '_id'> = {
      class: difference.class,
      status: 'open',
      date,
      detail: difference.detail,
      openedAt: new Date(),
      ...(difference.paymentId ? { paymentId: difference.paymentId } : {}),
      ...(difference.lineId ? { lineId: difference.lineId } : {}),
      ...(difference.billerId ? { billerId: difference.billerId } : {}),
      ...(difference.reference ? { reference: difference.reference } : {}),
      ...(resolutionError ? { resolutionError } : {}),
    };
    try {
      const result = await this.cases.updateOne({ _id: key }, { $setOnInsert: fields }, { upsert: true }).exec();
      const stored = await this.cases.findById(key).lean<ReconCase>().exec();
      if (!stored) throw new Error(`reconciliation case ${key} was not stored`);
      return { case: stored, opened: result.upsertedCount === 1 };
    } catch (error) {
      // Two runs racing on one key: the other one opened it.
      if (!isDuplicateKeyError(error)) throw error;
      const stored = await this.cases.findById(key).lean<ReconCase>().exec();
      if (!stored) throw error;
      return { case: stored, opened: false };
    }
  }

  /** How many of these case keys are open (an operator may have closed some already). */
  async countOpen(keys: readonly string[]): Promise<number> {
    return keys.length === 0 ? 0 : this.cases.countDocuments({ _id: { $in: keys }, status: 'open' }).exec();
  }

  /** Replaces the day's report with this run's, counting runs: one document per day. */
  async saveReport(report: Omit<ReconReport, 'runs'>): Promise<ReconReport> {
    const { _id, ...fields } = report;
    const saved = await this.reports
      .findOneAndUpdate({ _id }, { $set: fields, $inc: { runs: 1 } }, { upsert: true, returnDocument: 'after' })
      .lean<ReconReport>()
      .exec();
    if (!saved) throw new Error(`reconciliation report ${_id} was not saved`);
    return saved;
  }
}
