export {
  LINE_ID_PATTERN,
  newLineId,
  newPaymentId,
  newReference,
  PAYMENT_ID_PATTERN,
  REFERENCE_PATTERN,
} from './ids.js';
export { type Currency, isPositiveMinor } from './money.js';
export {
  billKeyOf,
  type LineBill,
  type Payment,
  type PaymentGateway,
  type PaymentHold,
  type PaymentLine,
  type PaymentModel,
  type PaymentReceiptState,
  paymentModel,
  type TimelineEntry,
} from './payment-model.js';
export {
  type AcceptedLine,
  type CreatedPayment,
  DEFAULT_PAYMENT_TTL_MS,
  type LineChanges,
  type NewPayment,
  type NewPaymentLine,
  type PaymentChanges,
  PaymentStore,
} from './payment-store.js';
export { hashRequest } from './request-hash.js';
export * from './state-machine.js';
export type { StuckLine, StuckWork } from './stuck-work.js';
