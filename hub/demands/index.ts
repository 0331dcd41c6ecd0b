export { type AmendPlan, type DemandAmendment, planAmendment } from './amend-rules.js';
export { type DemandBatch, demandBatchModel } from './batch-model.js';
export { daysBetween, indianDayOf, isCalendarDay } from './calendar-day.js';
export { DEMAND_CSV_COLUMNS, MAX_UPLOAD_ROWS, parseDemandCsv, type RowError } from './demand-csv.js';
export { invalidDemand, PaymentRefusedError } from './demand-errors.js';
export { type Demand, type DemandModel, demandModel } from './demand-model.js';
export { derivedStatus, outstandingTotal, paidTotal } from './demand-status.js';
export { type DemandChangeBy, type DemandPaymentInput, DemandStore } from './demand-store.js';
export * from './demand-types.js';
export { type DemandUpload, DemandUploader, type UploadedDemand, type UploadResult } from './demand-upload.js';
export { validateNewDemand } from './new-demand-rules.js';
export { discountOn, type InstalmentQuote, lateFeeOn, percentOf, quoteInstalment } from './payable-amount.js';
export {
  checkPayment,
  type PaymentCheck,
  type PaymentRefusal,
  payableInstalments,
  quoteNext,
  withPayment,
} from './payment-rules.js';
export { type ProviderDemandFilter, pageProviderDemands, providerDemandQuery } from './provider-query.js';
export {
  checkCharacter,
  newReferenceNumber,
  parseReferenceNumber,
  REFERENCE_NUMBER_PATTERN,
} from './reference-number.js';
