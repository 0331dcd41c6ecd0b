export {
  AUTOPAY_STATUSES,
  type Autopay,
  type AutopayModel,
  type AutopayStatus,
  autopayModel,
} from './autopay-model.js';
export { AutopayService, type AutopayServiceDeps } from './autopay-service.js';
export { AUTOPAY_TRANSITIONS, AutopayStore, CHARGE_TRANSITIONS } from './autopay-store.js';
export { type AutopayView, autopayView, type ChargeView, chargeView } from './autopay-view.js';
export { type AutopayCharge, CHARGE_STATUSES, type ChargeStatus, checkoutKeyOf } from './charge-model.js';
export { chargeTimeFor, endOfDueDate } from './charge-schedule.js';
export type { AutopayDeps } from './deps.js';
export { type AutopayGateway, holdsMandates, mandateCheckoutGateway } from './mandate-checkout-gateway.js';
export {
  type AutopayEnv,
  type AutopayOptions,
  autopayEnvSchema,
  autopayOptionsOf,
  DEFAULT_AUTOPAY_OPTIONS,
  MIN_PRE_DEBIT_NOTICE_MS,
} from './options.js';
export { resolveUnknownCharge } from './resolve-unknown.js';
export { type ChargeRunReport, runAutopayCharges } from './run-charges.js';
export { type ScanReport, scanAutopayBills } from './scan-bills.js';
