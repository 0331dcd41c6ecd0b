import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';
import { PAYMENT_ID_PATTERN } from '../payments/ids.js';

/** The longest comment kept with a score (characters, after trimming). */
export const FEEDBACK_COMMENT_MAX = 500;

/**
 * A citizen's post-payment satisfaction: one per payment (its id is the payment's, so a second is
 * refused by the unique _id), given once the payment is final. The payment's method and billers
 * are copied in when it is given, so the satisfaction metrics label it without reading payments.
 */
export interface PaymentFeedback {
  /** The payment's id (PAY…). */
  _id: string;
  citizenSub: string;
  /** 1 (very poor) to 5 (very good). */
  score: number;
  comment?: string;
  /** When it was given. */
  at: Date;
  /** The gateway method of the payment (card, upi, netbanking, wallet), when the gateway named one. */
  method?: string;
  /** The billers of the payment's lines, each once. */
  billerIds: string[];
}

const feedbackSchema = new Schema<PaymentFeedback>(
  {
    _id: { type: String, required: true, match: PAYMENT_ID_PATTERN },
    citizenSub: { type: String, required: true },
    score: { type: Number, required: true, cast: false, min: 1, max: 5, validate: Number.isInteger },
    comment: { type: String, maxlength: FEEDBACK_COMMENT_MAX },
    at: { type: Date, required: true },
    method: String,
    billerIds: { type: [String], default: [] },
  },
  { versionKey: false, collection: 'payment_feedback' },
);

// The satisfaction metrics read a window of feedback by when it was given.
feedbackSchema.index({ at: 1 });

export type PaymentFeedbackModel = Model<PaymentFeedback>;

export function paymentFeedbackModel(conn: Connection): PaymentFeedbackModel {
  return (
    (conn.models.PaymentFeedback as PaymentFeedbackModel | undefined) ??
    conn.model<PaymentFeedback>('PaymentFeedback', feedbackSchema)
  );
}
