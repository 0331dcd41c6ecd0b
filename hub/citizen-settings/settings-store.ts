import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';
import { type Locale, SUPPORTED_LOCALES } from '../../infra/web/locale.js';

/** How a citizen wants receipts and reminders sent. */
export const NOTIFICATION_CHANNELS = ['email', 'sms', 'both'] as const;
/** `email`, `sms` or `both`. */
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** A citizen's portal settings, one document per idp subject. */
export interface CitizenSettings {
  /** The citizen's subject at the idp. */
  _id: string;
  language?: Locale;
  channel?: NotificationChannel;
  updatedAt: Date;
}

const settingsSchema = new Schema<CitizenSettings>(
  {
    _id: String,
    language: { type: String, enum: SUPPORTED_LOCALES },
    channel: { type: String, enum: NOTIFICATION_CHANNELS },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'citizen_settings' },
);

/**
 * Settings per citizen in MongoDB, not Redis: they are the citizen's lasting choices, must
 * outlive every session and a Redis flush, and the worker (which sends receipts and sees no
 * sessions) reads MongoDB. Each save is one upsert of one document.
 */
export class SettingsStore {
  private readonly model: Model<CitizenSettings>;

  constructor(conn: Connection) {
    this.model =
      (conn.models.CitizenSettings as Model<CitizenSettings> | undefined) ??
      conn.model<CitizenSettings>('CitizenSettings', settingsSchema);
  }

  find(sub: string): Promise<CitizenSettings | null> {
    return this.model.findById(sub).lean<CitizenSettings>().exec();
  }

  /** Sets the given settings, leaving the others as they are. */
  async save(sub: string, settings: { language?: Locale; channel?: NotificationChannel }): Promise<void> {
    const set = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
    await this.model.updateOne({ _id: sub }, { $set: { ...set, updatedAt: new Date() } }, { upsert: true }).exec();
  }
}
