import { randomUUID } from 'node:crypto';
import { type InferSchemaType, type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';

const totpSchema = new Schema(
  {
    /** The authenticator secret, sealed with IDP_DATA_KEY (AES-256-GCM). */
    sealedSecret: { type: String, required: true },
    enabledAt: { type: Date, required: true },
    /** The last accepted time step: a code is never accepted twice. */
    lastStep: { type: Number, default: null },
  },
  { _id: false },
);

const accountSchema = new Schema(
  {
    /** The stable subject identifier given to relying parties. */
    _id: { type: String, default: () => randomUUID() },
    phone: { type: String, unique: true, sparse: true },
    phoneVerified: { type: Boolean, default: false },
    email: { type: String, unique: true, sparse: true },
    emailVerified: { type: Boolean, default: false },
    name: { type: String, required: true, maxlength: 100 },
    totp: { type: totpSchema, default: null },
    status: { type: String, enum: ['active', 'disabled'], default: 'active' },
  },
  { timestamps: true },
);

export type AccountDoc = InferSchemaType<typeof accountSchema> & { _id: string };

export type AccountModel = Model<AccountDoc>;

export function accountModel(conn: Connection): AccountModel {
  return (conn.models.Account as AccountModel | undefined) ?? conn.model<AccountDoc>('Account', accountSchema);
}
