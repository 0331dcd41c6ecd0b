import { z } from 'zod';
import { env } from '../config.js';

const LIVE_REQUIRES = ['SMTP_URL', 'SMS_GATEWAY_URL', 'SMS_GATEWAY_TOKEN'] as const;

/** Variables of the notifier; services add them to their own schema with `.extend(notifierEnvSchema.shape)`. */
export const notifierEnvSchema = z.object({
  NOTIFIER_TRANSPORT: z
    .enum(['capture', 'live'])
    .default('capture')
    .describe(
      "capture: messages are kept in Redis and readable at the idp's GET /__dev/messages?to=... (development and test only; that route does not exist when NODE_ENV=production). live: email through SMTP and SMS through an HTTP gateway; then SMTP_URL, SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN are required.",
    ),
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' })
    .optional()
    .describe('With NOTIFIER_TRANSPORT=live: the SMTP server that sends email (smtp:// or smtps://).'),
  SMTP_FROM: z.string().min(1).default('Citizen BillPay <no-reply@localhost>').describe('The From of every email.'),
  SMS_GATEWAY_URL: env
    .url()
    .optional()
    .describe(
      'With NOTIFIER_TRANSPORT=live: the SMS gateway; it is POSTed JSON {to, text} with Authorization: Bearer SMS_GATEWAY_TOKEN.',
    ),
  SMS_GATEWAY_TOKEN: z
    .string()
    .min(1)
    .optional()
    .describe("With NOTIFIER_TRANSPORT=live: the SMS gateway's bearer token."),
});
export type NotifierConfig = z.infer<typeof notifierEnvSchema>;

type NotifierRefineInput = Pick<NotifierConfig, 'NOTIFIER_TRANSPORT' | (typeof LIVE_REQUIRES)[number]>;

/** Call from the service schema's `.superRefine(refineNotifierConfig)`: `live` needs SMTP and the SMS gateway. */
export function refineNotifierConfig(value: NotifierRefineInput, ctx: z.RefinementCtx): void {
  if (value.NOTIFIER_TRANSPORT !== 'live') return;
  for (const name of LIVE_REQUIRES) {
    if (!value[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'required when NOTIFIER_TRANSPORT=live' });
  }
}
