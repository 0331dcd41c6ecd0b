import { AppError, ConflictError, NotFoundError } from '../../infra/errors.js';
import { type Connection, isDuplicateKeyError } from '../../infra/mongo.js';
import type { Payment } from '../payments/payment-model.js';
import type { PaymentStore } from '../payments/payment-store.js';
import { FINAL_PAYMENT_STATUSES, isFinalPaymentStatus } from '../payments/state-machine.js';
import { type PaymentFeedback, type PaymentFeedbackModel, paymentFeedbackModel } from './feedback-model.js';

/** The payment statuses feedback may be given in: the payment's outcome is known (state-machine.ts). */
export const FEEDBACK_STATUSES = FINAL_PAYMENT_STATUSES;

/** What a citizen sends: a score 1..5 and an optional comment (trimmed; empty is none). */
export interface FeedbackInput {
  score: number;
  comment?: string;
}

/** The feedback as the API shows it. */
export interface FeedbackView {
  score: number;
  comment?: string;
  /** ISO 8601 UTC. */
  at: string;
}

export const feedbackView = (feedback: PaymentFeedback): FeedbackView => ({
  score: feedback.score,
  ...(feedback.comment ? { comment: feedback.comment } : {}),
  at: new Date(feedback.at).toISOString(),
});

/** Post-payment satisfaction (collection payment_feedback): given once per final payment by its own citizen. */
export class FeedbackStore {
  readonly model: PaymentFeedbackModel;

  constructor(
    conn: Connection,
    private readonly payments: Pick<PaymentStore, 'findForCitizen'>,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.model = paymentFeedbackModel(conn);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  /** The citizen's own payment, or 404 (another citizen's payment is not told apart from none). */
  private async ownPayment(paymentId: string, citizenSub: string): Promise<Payment> {
    const payment = await this.payments.findForCitizen(paymentId, citizenSub);
    if (!payment) throw new NotFoundError('no such payment of yours');
    return payment;
  }

  /**
   * Records the citizen's score of their own final payment, once. Throws 404 not_found (no such
   * payment of theirs), 409 payment_not_final (still in progress, or never paid), 409
   * feedback_already_given (a second time; the first stands).
   */
  async give(paymentId: string, citizenSub: string, input: FeedbackInput): Promise<FeedbackView> {
    const payment = await this.ownPayment(paymentId, citizenSub);
    if (!isFinalPaymentStatus(payment.status)) {
      throw new AppError(409, 'payment_not_final', 'feedback can be given once the payment is complete or refunded', {
        paymentStatus: payment.status,
      });
    }
    const comment = input.comment?.trim();
    const doc: PaymentFeedback = {
      _id: payment._id,
      citizenSub,
      score: input.score,
      ...(comment ? { comment } : {}),
      at: this.now(),
      ...(payment.gateway?.method ? { method: payment.gateway.method } : {}),
      billerIds: [...new Set(payment.lines.map((line) => line.billerId))],
    };
    try {
      await this.model.create(doc);
    } catch (error) {
      // The connection turns E11000 into a ConflictError (infra/mongo.ts); the raw error is caught too.
      if (error instanceof ConflictError || isDuplicateKeyError(error)) {
        throw new AppError(409, 'feedback_already_given', 'feedback for this payment was already given');
      }
      throw error;
    }
    return feedbackView(doc);
  }

  /** The citizen's feedback on their own payment; throws 404 when the payment is not theirs or has none. */
  async forPayment(paymentId: string, citizenSub: string): Promise<FeedbackView> {
    const found = await this.model.findOne({ _id: paymentId, citizenSub }).lean<PaymentFeedback>().exec();
    if (!found) throw new AppError(404, 'feedback_not_found', 'no feedback for this payment of yours');
    return feedbackView(found);
  }
}
