import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Logger } from '../logger.js';
import type { Redis } from '../redis.js';
import { createCaptureTransport } from './capture-transport.js';
import type { NotifierConfig } from './config.js';
import type { Channel, OutgoingMessage, Transport } from './message.js';
import { createSmsHttpTransport } from './sms-http-transport.js';
import { createSmtpTransport } from './smtp-transport.js';

export interface Notifier {
  send(message: OutgoingMessage): Promise<void>;
}

export interface NotifierDeps {
  redis: Redis;
  log: Logger;
}

/** Sends email and SMS through the transports NOTIFIER_TRANSPORT selects. */
export function createNotifier(config: NotifierConfig, deps: NotifierDeps): Notifier {
  const transports = pickTransports(config, deps);
  return {
    async send(message: OutgoingMessage): Promise<void> {
      await transports[message.channel].send(message);
      // Never the text or the subject: either can carry a one-time code.
      deps.log.info({ channel: message.channel, to: maskRecipient(message.to) }, 'notification sent');
    },
  };
}

function pickTransports(config: NotifierConfig, { redis, log }: NotifierDeps): Record<Channel, Transport> {
  if (config.NOTIFIER_TRANSPORT === 'capture') {
    log.info('notifier in capture mode: messages are stored in Redis, not delivered');
    const capture = createCaptureTransport(redis);
    return { email: capture, sms: capture };
  }
  // refineNotifierConfig refuses these at start-up; this guards a config built by hand.
  const { SMTP_URL, SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN } = config;
  if (!SMTP_URL || !SMS_GATEWAY_URL || !SMS_GATEWAY_TOKEN) {
    throw new Error('NOTIFIER_TRANSPORT=live needs SMTP_URL, SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN');
  }
  return {
    email: createSmtpTransport({ url: SMTP_URL, from: config.SMTP_FROM }),
    sms: createSmsHttpTransport({ url: SMS_GATEWAY_URL, token: SMS_GATEWAY_TOKEN }),
  };
}

/** Enough of a recipient to tell messages apart in logs: `a***@example.com`, `+91******1234`. */
export function maskRecipient(to: string): string {
  const at = to.lastIndexOf('@');
  if (at > 0) return `${to[0]}***${to.slice(at)}`;
  const phone = parsePhoneNumberFromString(to);
  if (phone) {
    const national = phone.nationalNumber;
    const shown = national.length >= 8 ? 4 : 2;
    return `+${phone.countryCallingCode}${'*'.repeat(national.length - shown)}${national.slice(-shown)}`;
  }
  // Neither an address nor a phone number: show at most the last two characters.
  return `${'*'.repeat(Math.max(to.length - 2, 3))}${to.length > 4 ? to.slice(-2) : ''}`;
}
