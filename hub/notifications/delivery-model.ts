import { randomBytes } from 'node:crypto';
import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';
import type { Channel } from '../../infra/notifier/index.js';
import { type Locale, SUPPORTED_LOCALES } from '../../infra/web/locale.js';
import { NOTIFICATION_KINDS, type NotificationKind } from './events.js';

/**
 * queued: recorded, not yet delivered (retries happen in this state); sent: the transport took it;
 * failed: every attempt failed; superseded: not sent, because a later message about the same
 * thing, recorded while it waited, says it all (a refund started, then completed in the same
 * moment: see Notifications). sent, failed and superseded are final; the success rate counts
 * sent and failed only.
 */
export const DELIVERY_STATUSES = ['queued', 'sent', 'failed', 'superseded'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One message to one recipient on one channel, and what became of it. */
export interface Delivery {
  /** NTF + 20 characters: the id of its `notify` job. */
  _id: string;
  /** `<event key>|<channel>` (see eventKey): one event gives at most one message per channel. */
  key: string;
  kind: NotificationKind;
  channel: Channel;
  /** The address or phone number; logs show it masked (maskRecipient), never whole. */
  to: string;
  locale: Locale;
  /** The receipt, payment or demand number the message is about. */
  reference: string;
  /** The citizen it was for, when known. */
  citizenSub?: string;
  subject?: string;
  text: string;
  status: DeliveryStatus;
  /** Sends tried so far. */
  attempts: number;
  lastError?: string;
  /** While set and in the future, one process is sending: no other may (see DeliveryStore.claim). */
  leaseUntil?: Date;
  /** When it became sent or failed: what the delivery success rate counts by. */
  finishedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** NTF + 20 Crockford base32 characters (no ':', which BullMQ refuses in job ids). */
export function newDeliveryId(): string {
  let body = '';
  for (const byte of randomBytes(20)) body += ALPHABET[byte & 31];
  return `NTF${body}`;
}

const deliverySchema = new Schema<Delivery>(
  {
    _id: { type: String, required: true, default: newDeliveryId },
    key: { type: String, required: true },
    kind: { type: String, enum: NOTIFICATION_KINDS, required: true },
    channel: { type: String, enum: ['email', 'sms'], required: true },
    to: { type: String, required: true },
    locale: { type: String, enum: SUPPORTED_LOCALES, required: true },
    reference: { type: String, required: true },
    citizenSub: String,
    subject: String,
    text: { type: String, required: true },
    status: { type: String, enum: DELIVERY_STATUSES, required: true, default: 'queued' },
    attempts: { type: Number, required: true, default: 0, min: 0 },
    lastError: String,
    leaseUntil: Date,
    finishedAt: Date,
  },
  { timestamps: true, versionKey: false, collection: 'notification_deliveries' },
);

// The dedupe key: a re-run of the same event finds the record instead of making a second one.
deliverySchema.index({ key: 1 }, { unique: true });
// The success rate (finished in a period) and the catch-up of queued records.
deliverySchema.index({ status: 1, finishedAt: 1 });
deliverySchema.index({ status: 1, updatedAt: 1 });
deliverySchema.index({ reference: 1 });

export type DeliveryModel = Model<Delivery>;

export function deliveryModel(conn: Connection): DeliveryModel {
  return (
    (conn.models.NotificationDelivery as DeliveryModel | undefined) ??
    conn.model<Delivery>('NotificationDelivery', deliverySchema)
  );
}
