import { randomBytes } from 'node:crypto';
import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';

export interface SavedAccountDoc {
  _id: string;
  citizenSub: string;
  billerId: string;
  consumer: Record<string, string>;
  /** The consumer in canonical form: one citizen links one consumer of a biller once. */
  consumerKey: string;
  consumerMasked: string;
  nickname: string;
  /** The account's secret key for its bills' opaque refs (bill-ref.ts); never shown. */
  billRefKey?: string;
  createdAt: Date;
}

const savedAccountSchema = new Schema<SavedAccountDoc>(
  {
    _id: { type: String, required: true },
    citizenSub: { type: String, required: true, index: true },
    billerId: { type: String, required: true },
    consumer: { type: Schema.Types.Mixed, required: true },
    consumerKey: { type: String, required: true },
    consumerMasked: { type: String, required: true },
    nickname: { type: String, required: true, maxlength: 40 },
    billRefKey: { type: String, default: () => randomBytes(32).toString('base64url') },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
savedAccountSchema.index({ citizenSub: 1, billerId: 1, consumerKey: 1 }, { unique: true });

export type SavedAccountModel = Model<SavedAccountDoc>;

export function savedAccountModel(conn: Connection): SavedAccountModel {
  return (
    (conn.models.SavedAccount as SavedAccountModel | undefined) ??
    conn.model<SavedAccountDoc>('SavedAccount', savedAccountSchema)
  );
}
