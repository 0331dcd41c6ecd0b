import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';
import { BATCH_ID_PATTERN } from './demand-ids.js';

/**
 * One CSV upload of demands (collection `demand_batches`). Its id comes from the provider
 * organisation and the file's content, so the same file uploaded again, by any member or client of
 * the organisation, through the portal or the API, with any key, finds the same batch. pending: rows are being
 * inserted (invisible, live: false); live: committed by one conditional update, the moment the
 * whole upload exists; publishedAt: every row has been flipped to live too (see demand-upload.ts).
 */
export interface DemandBatch {
  /** DMB + 20 characters. */
  _id: string;
  providerId: string;
  /** SHA-256 (hex) of the uploaded file's text (BOM and line ends normalised, demand-upload.ts). */
  fileHash: string;
  /** The idempotency keys callers sent with this file: one key names one file (another is a conflict). */
  uploadKeys?: string[];
  rowCount: number;
  status: 'pending' | 'live';
  createdBy: string;
  liveAt?: Date;
  publishedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export type DemandBatchModel = Model<DemandBatch>;

const batchSchema = new Schema<DemandBatch>(
  {
    _id: { type: String, required: true, match: BATCH_ID_PATTERN },
    providerId: { type: String, required: true },
    fileHash: { type: String, required: true },
    uploadKeys: { type: [String], default: undefined },
    rowCount: { type: Number, required: true, min: 1 },
    status: { type: String, enum: ['pending', 'live'], required: true },
    createdBy: { type: String, required: true },
    liveAt: Date,
    publishedAt: Date,
  },
  { timestamps: true, collection: 'demand_batches' },
);

batchSchema.index({ status: 1, publishedAt: 1 });
batchSchema.index({ providerId: 1, createdAt: -1 });
batchSchema.index({ providerId: 1, uploadKeys: 1 });

export function demandBatchModel(conn: Connection): DemandBatchModel {
  return (
    (conn.models.DemandBatch as DemandBatchModel | undefined) ?? conn.model<DemandBatch>('DemandBatch', batchSchema)
  );
}
