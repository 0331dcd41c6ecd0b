import { createTransport } from 'nodemailer';
import type { OutgoingMessage, Transport } from './message.js';

export interface SmtpTransportOptions {
  /** smtp:// or smtps:// URL, credentials included. */
  url: string;
  /** The From header, e.g. 'Citizen BillPay <no-reply@example.gov>'. */
  from: string;
}

export function createSmtpTransport({ url, from }: SmtpTransportOptions): Transport {
  // Timeouts go in the transport options next to the url: createTransport's second argument holds
  // message defaults, where they would be ignored. nodemailer's own defaults run to minutes.
  const mailer = createTransport(
    { url, connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 10_000 },
    { from },
  );
  return {
    async send(message: OutgoingMessage): Promise<void> {
      if (message.channel !== 'email') throw new Error(`SMTP transport sends email only, not ${message.channel}`);
      await mailer.sendMail({ to: message.to, subject: message.subject, text: message.text, html: message.html });
    },
  };
}
