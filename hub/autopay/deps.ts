import type { Logger } from '../../infra/logger.js';
import type { BillService } from '../bills/bill-service.js';
import type { PaymentCapture } from '../checkout/payment-capture.js';
import type { Notifications } from '../notifications/notifications.js';
import type { PaymentStore } from '../payments/payment-store.js';
import type { SavedAccountModel } from '../saved-accounts/saved-account-model.js';
import type { AutopayStore } from './autopay-store.js';
import type { AutopayGateway } from './mandate-checkout-gateway.js';
import type { AutopayOptions } from './options.js';

/** What autopay's jobs and service work with. */
export interface AutopayDeps {
  store: AutopayStore;
  gateway: AutopayGateway;
  accounts: SavedAccountModel;
  bills: BillService;
  payments: PaymentStore;
  /** Applies what the gateway says of a debit's order, as a webhook would (hub/checkout). */
  capture: Pick<PaymentCapture, 'apply' | 'sync'>;
  notifications: Pick<Notifications, 'notify'>;
  /** A biller's display name, for messages. */
  billerName: (billerId: string) => string;
  /** Where messages send the citizen: their dues (to pay a bill themselves), and their autopay settings. */
  links: { dues(): string; autopay(): string };
  /** The checkout a debit makes: a payment left unpaid this long expires, as any checkout. */
  checkout: { returnUrl: string; ttlMinutes: number };
  options: AutopayOptions;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
}
