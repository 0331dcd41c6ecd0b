export { createCaptureTransport, readCaptured } from './capture-transport.js';
export { type NotifierConfig, notifierEnvSchema, refineNotifierConfig } from './config.js';
export type { CapturedMessage, Channel, OutgoingMessage, Transport } from './message.js';
export { createNotifier, maskRecipient, type Notifier, type NotifierDeps } from './notifier.js';
export { createSmsHttpTransport, type SmsHttpTransportOptions } from './sms-http-transport.js';
export { createSmtpTransport, type SmtpTransportOptions } from './smtp-transport.js';
