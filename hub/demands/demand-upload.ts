import { createHash } from 'node:crypto';
import { ConflictError } from '../../infra/errors.js';
import type { Connection } from '../../infra/mongo.js';
import { todayInIndia } from '../bills/indian-day.js';
import { type DemandBatch, type DemandBatchModel, demandBatchModel } from './batch-model.js';
import { parseDemandCsv, type RowError } from './demand-csv.js';
import { demandDocument } from './demand-document.js';
import { batchIdFor, demandIdForRow } from './demand-ids.js';
import type { Demand } from './demand-model.js';
import type { DemandStore } from './demand-store.js';

/**
 * The identity of an upload's file: SHA-256 (hex) of its text without a byte order mark, with LF
 * line ends and no trailing blank lines, so the same spreadsheet saved on Windows or sent through
 * the portal (which decodes the file) or the API hashes alike.
 */
export function uploadFileHash(csv: string): string {
  const text = csv
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/\s+$/, '');
  return createHash('sha256').update(text).digest('hex');
}

/** What an upload asks for. */
export interface DemandUpload {
  providerId: string;
  /** Who uploads (a provider user's subject or a client id): the demands' creator. */
  actor: string;
  /** The actor in human terms, for each demand's audit trail (AuditEntry.actorLabel). */
  actorLabel?: string;
  /** The provider's display name, recorded on each demand (see Demand.providerName). */
  providerName?: string;
  /** The CSV text (see demand-csv.ts). */
  csv: string;
  /**
   * The caller's idempotency key, if any. The upload is one per provider and file whatever the key
   * (the same file twice is one upload); the key only guards against being reused for another file.
   */
  uploadKey?: string;
  /** The Indian day due dates are checked against; default today (for tests). */
  today?: string;
}

/** The demands of an upload, by row: what the provider gets back (reference numbers to send). */
export interface UploadedDemand {
  row: number;
  demandId: string;
  reference: string;
}

export type UploadResult =
  | { ok: true; batchId: string; demands: UploadedDemand[]; created: boolean }
  | { ok: false; errors: RowError[] };

/**
 * Creates the demands of a CSV upload, all or none:
 * 1. every row is read and checked first; any bad row answers every error (row, column, message)
 *    and writes nothing;
 * 2. a batch (id from provider + upload key) is created pending, once;
 * 3. each row is inserted with an id derived from the batch and row, live: false (invisible, not
 *    payable); an id already there (a re-run) is skipped;
 * 4. the batch moves pending -> live in one conditional update: the upload's commit point;
 * 5. its rows are flipped to live, and the batch marked published.
 * A crash before 4 leaves only invisible rows, and uploading the same file again (same key)
 * resumes where it stopped; a crash after 4 is finished by the same re-upload or by
 * publishCommitted (the sweep). No multi-document transaction is needed.
 */
export class DemandUploader {
  readonly batches: DemandBatchModel;

  constructor(
    conn: Connection,
    private readonly store: DemandStore,
  ) {
    this.batches = demandBatchModel(conn);
  }

  async init(): Promise<void> {
    await Promise.all([this.batches.init(), this.store.init()]);
  }

  /** Runs an upload (see the class comment). ConflictError when the upload key was used for another file. */
  async upload(upload: DemandUpload): Promise<UploadResult> {
    const parsed = parseDemandCsv(upload.csv, { providerId: upload.providerId, today: upload.today ?? todayInIndia() });
    if (!parsed.ok) return parsed;
    await this.init();
    const fileHash = uploadFileHash(upload.csv);
    const batch = await this.openBatch(upload, fileHash, parsed.rows.length);
    const at = new Date();
    let created = false;
    if (batch.status !== 'live') {
      const docs = parsed.rows.map(({ row, demand }) =>
        demandDocument(demand, {
          _id: demandIdForRow(batch._id, row),
          actor: upload.actor,
          ...(upload.actorLabel ? { actorLabel: upload.actorLabel } : {}),
          at,
          live: false,
          batchId: batch._id,
          batchRow: row,
          ...(upload.providerName ? { providerName: upload.providerName } : {}),
        }),
      );
      created = (await this.store.insertRows(docs)) > 0;
    }
    await this.commit(batch._id);
    await this.publish(batch._id);
    const demands = await this.store.model
      .find({ batchId: batch._id }, { _id: 1, reference: 1, batchRow: 1 })
      .sort({ batchRow: 1 })
      .lean<Pick<Demand, '_id' | 'reference' | 'batchRow'>[]>()
      .exec();
    return {
      ok: true,
      batchId: batch._id,
      demands: demands.map((d) => ({ row: d.batchRow ?? 0, demandId: d._id, reference: d.reference })),
      created,
    };
  }

  /**
   * Finishes batches committed (live) but not yet published, e.g. after a crash between steps 4
   * and 5: for a sweep job. Returns how many it finished.
   */
  async publishCommitted(limit = 100): Promise<number> {
    const pending = await this.batches
      .find({ status: 'live', publishedAt: { $exists: false } }, { _id: 1 })
      .limit(limit)
      .lean<Pick<DemandBatch, '_id'>[]>()
      .exec();
    for (const batch of pending) await this.publish(batch._id);
    return pending.length;
  }

  /**
   * The batch of this provider organisation and file, created pending once. Its id is the
   * provider's and the file's, never the uploader's nor the key's: a member in the portal and the
   * organisation's bulk client sending the same file meet in one batch. A key already sent with
   * another file of this provider is a conflict (ConflictError, field uploadKey).
   */
  private async openBatch(upload: DemandUpload, fileHash: string, rowCount: number): Promise<DemandBatch> {
    const _id = batchIdFor(upload.providerId, fileHash);
    if (upload.uploadKey) {
      const other = await this.batches
        .findOne({ providerId: upload.providerId, uploadKeys: upload.uploadKey, _id: { $ne: _id } }, { _id: 1 })
        .lean()
        .exec();
      if (other)
        throw new ConflictError('this upload key was already used for another file', { fields: ['uploadKey'] });
    }
    const fresh = { providerId: upload.providerId, fileHash, rowCount, status: 'pending', createdBy: upload.actor };
    const keys = upload.uploadKey ? { $addToSet: { uploadKeys: upload.uploadKey } } : {};
    let batch: DemandBatch | null;
    try {
      batch = await this.batches
        .findOneAndUpdate({ _id }, { $setOnInsert: fresh, ...keys }, { upsert: true, returnDocument: 'after' })
        .lean<DemandBatch>()
        .exec();
    } catch (error) {
      // Two identical uploads at once: the loser of the upsert reads the winner's batch.
      if (!(error instanceof ConflictError)) throw error;
      if (upload.uploadKey) await this.batches.updateOne({ _id }, keys).exec();
      batch = await this.batches.findById(_id).lean<DemandBatch>().exec();
    }
    if (!batch) throw new Error(`batch ${_id} vanished`);
    if (batch.fileHash !== fileHash) throw new Error(`batch ${_id} holds another file`);
    return batch;
  }

  /** The commit point: one conditional update; a batch already live stays as it is. */
  private async commit(batchId: string): Promise<void> {
    await this.batches
      .updateOne({ _id: batchId, status: 'pending' }, { $set: { status: 'live', liveAt: new Date() } })
      .exec();
  }

  /** Flips a committed batch's rows to live (idempotent), then marks the batch published. */
  private async publish(batchId: string): Promise<void> {
    await this.store.model.updateMany({ batchId, live: false }, { $set: { live: true } }).exec();
    await this.batches
      .updateOne(
        { _id: batchId, status: 'live', publishedAt: { $exists: false } },
        { $set: { publishedAt: new Date() } },
      )
      .exec();
  }
}
