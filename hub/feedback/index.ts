export {
  FEEDBACK_COMMENT_MAX,
  type PaymentFeedback,
  type PaymentFeedbackModel,
  paymentFeedbackModel,
} from './feedback-model.js';
export {
  FEEDBACK_STATUSES,
  type FeedbackInput,
  FeedbackStore,
  type FeedbackView,
  feedbackView,
} from './feedback-store.js';
