export { chooseChannels } from './channels.js';
export { type CreateNotificationsInput, createNotifications } from './create.js';
export { type DeliverOutcome, DeliveryBusyError } from './deliver.js';
export { DELIVERY_STATUSES, type Delivery, type DeliveryStatus } from './delivery-model.js';
export { type DeliveryRate, DeliveryStore } from './delivery-store.js';
export { type DemandLookup, demandLookup } from './demand-lookup.js';
export {
  type DemandNoticeDeps,
  demandAmendedEvent,
  demandCancelledEvent,
  demandNoticeOf,
  demandNotices,
  demandPayUrl,
  demandReceivedEvent,
} from './demand-notices.js';
export * from './events.js';
export { notifyFailedPayments } from './failed-payments.js';
export { type NotificationLinks, portalLinks } from './links.js';
export { Notifications, type NotificationsDeps, type NotifyResult } from './notifications.js';
export {
  DEFAULT_NOTIFICATION_OPTIONS,
  type NotificationOptions,
  notificationEnvSchema,
  notificationOptionsOf,
  notificationPublicUrl,
  reminderOptionsOf,
} from './options.js';
export {
  confirmWithinMs,
  lineEvent,
  notifyLineChanges,
  paymentConfirmedEvent,
  paymentFailedEvent,
  receiptConfirmedEvent,
} from './payment-events.js';
export { enqueueDelivery, NOTIFY } from './queue.js';
export { type RemindDeps, type ReminderOptions, type ReminderReport, sendReminders } from './reminders.js';
export { createRenderer, NOTIFICATION_LOCALES_DIR, type Render, type RenderedMessage } from './render.js';
export { type SmsSize, smsSize } from './sms-segments.js';
