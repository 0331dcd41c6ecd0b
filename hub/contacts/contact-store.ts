import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';

export interface Contact {
  /** The citizen's subject at the idp. */
  _id: string;
  email?: string;
  phone?: string;
  updatedAt: Date;
}

const contactSchema = new Schema<Contact>(
  { _id: String, email: String, phone: String, updatedAt: { type: Date, required: true } },
  { versionKey: false },
);
// Operators search payments by a citizen's phone (hub/operator/payment-search.ts).
contactSchema.index({ phone: 1 });

/**
 * Where to send a citizen's receipts: the verified email or phone from their latest access
 * token, remembered at checkout (the worker that issues receipts sees no tokens).
 */
export class ContactStore {
  private readonly model: Model<Contact>;

  constructor(conn: Connection) {
    this.model = (conn.models.Contact as Model<Contact> | undefined) ?? conn.model<Contact>('Contact', contactSchema);
  }

  async remember(sub: string, contact: { email?: string; phone?: string }): Promise<void> {
    if (!contact.email && !contact.phone) return;
    await this.model.updateOne(
      { _id: sub },
      { $set: { email: contact.email, phone: contact.phone, updatedAt: new Date() } },
      { upsert: true },
    );
  }

  /** The citizens whose remembered phone is `phone` (E.164), most recently seen first, at most `limit`. */
  async citizensWithPhone(phone: string, limit: number): Promise<string[]> {
    const found = await this.model
      .find({ phone }, { _id: 1 })
      .sort({ updatedAt: -1 })
      .limit(limit)
      .lean<Contact[]>()
      .exec();
    return found.map((contact) => contact._id);
  }

  find(sub: string): Promise<Contact | null> {
    return this.model.findById(sub).lean<Contact>().exec();
  }
}
