import { randomBytes } from 'node:crypto';
import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';

/**
 * pending_approval: the mandate waits for the citizen on the gateway's page; active: bills are
 * paid; paused: bills are not paid, the mandate is kept; cancelled: the citizen turned it off (the
 * mandate is revoked); revoked: the bank or gateway ended the mandate; failed: the approval was
 * declined, lapsed, or the mandate could not be made. The last three are final.
 */
export const AUTOPAY_STATUSES = ['pending_approval', 'active', 'paused', 'cancelled', 'revoked', 'failed'] as const;
export type AutopayStatus = (typeof AUTOPAY_STATUSES)[number];
export const ENDED_AUTOPAY_STATUSES: readonly AutopayStatus[] = ['cancelled', 'revoked', 'failed'];
export const LIVE_AUTOPAY_STATUSES: readonly AutopayStatus[] = ['pending_approval', 'active', 'paused'];

/** One saved account's autopay: the citizen's limit and the gateway mandate that pays it. */
export interface Autopay {
  _id: string;
  citizenSub: string;
  accountId: string;
  billerId: string;
  /** The most one bill may be to be paid automatically, in paise; also the mandate's maximum debit. */
  limitMinor: number;
  currency: string;
  status: AutopayStatus;
  /**
   * The saved account while this autopay is live, `<account>|ended|<id>` once it ended: a unique
   * index on it keeps one live autopay per account without a partial index.
   */
  liveKey: string;
  mandate?: {
    mandateId: string;
    approvalUrl: string;
    validUntil: Date;
    /** When the gateway confirmed the revoke of a cancelled autopay's mandate. */
    revokedAt?: Date;
  };
  /** Why it ended, or the last reason it changed (e.g. `declined`, `mandate_revoked`). */
  reason?: string;
  createdAt: Date;
  updatedAt: Date;
}

const autopaySchema = new Schema<Autopay>(
  {
    _id: { type: String, required: true },
    citizenSub: { type: String, required: true, index: true },
    accountId: { type: String, required: true, index: true },
    billerId: { type: String, required: true },
    limitMinor: { type: Number, required: true },
    currency: { type: String, required: true },
    status: { type: String, required: true, enum: AUTOPAY_STATUSES, index: true },
    liveKey: { type: String, required: true, unique: true },
    mandate: {
      type: new Schema({ mandateId: String, approvalUrl: String, validUntil: Date, revokedAt: Date }, { _id: false }),
      required: false,
    },
    reason: String,
  },
  { timestamps: true },
);

export type AutopayModel = Model<Autopay>;

export const newAutopayId = () => `AUT${randomBytes(10).toString('hex').toUpperCase()}`;
export const endedLiveKey = (autopay: Pick<Autopay, '_id' | 'accountId'>) =>
  `${autopay.accountId}|ended|${autopay._id}`;

export function autopayModel(conn: Connection): AutopayModel {
  return (conn.models.Autopay as AutopayModel | undefined) ?? conn.model<Autopay>('Autopay', autopaySchema);
}
