import { z } from 'zod';
import { env } from '../config.js';

const LIVE_REQUIRES = ['SMTP_URL', 'SMS_GATEWAY_URL', 'SMS_GATEWAY_TOKEN'] as const;

/** Variables of the notifier; services add them to their own schema with `.extend(notifierEnvSchema.shape)`. */
export const notifierEnvSchema = z.object({
  NOTIFIER_TRANSPORT: z.enum(['capture', 'live']).default('capture'),
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  SMTP_FROM: z.string().min(1).default('Citizen BillPay <no-reply@localhost>'),
  SMS_GATEWAY_URL: env.url().optional(),
  SMS_GATEWAY_TOKEN: z.string().min(1).optional(),
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
