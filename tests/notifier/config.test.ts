import { describe, expect, it } from 'vitest';
import { baseEnvSchema, ConfigError, loadConfig } from '../../infra/config.js';
import { notifierEnvSchema, refineNotifierConfig } from '../../infra/notifier/index.js';

// As a service would combine it with its own variables.
const schema = baseEnvSchema.extend(notifierEnvSchema.shape).superRefine(refineNotifierConfig);
const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017', REDIS_URL: 'redis://127.0.0.1:6379' };
const live = {
  ...base,
  NOTIFIER_TRANSPORT: 'live',
  SMTP_URL: 'smtps://mailer:pw@smtp.example.gov:465',
  SMS_GATEWAY_URL: 'https://sms.example.gov/v1/messages',
  SMS_GATEWAY_TOKEN: 'secret',
};

describe('notifier configuration', () => {
  it('defaults to capturing messages with the default sender', () => {
    expect(loadConfig(schema, base)).toMatchObject({
      NOTIFIER_TRANSPORT: 'capture',
      SMTP_FROM: 'Citizen BillPay <no-reply@localhost>',
    });
  });

  it('accepts live with SMTP and the SMS gateway configured', () => {
    expect(loadConfig(schema, live)).toMatchObject({ NOTIFIER_TRANSPORT: 'live', SMTP_URL: live.SMTP_URL });
  });

  it('refuses live without SMTP_URL with a message naming SMTP_URL', () => {
    const { SMTP_URL: _, ...withoutSmtp } = live;
    const attempt = () => loadConfig(schema, withoutSmtp);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/SMTP_URL: required when NOTIFIER_TRANSPORT=live/);
  });

  it('names every variable live is missing at once', () => {
    try {
      loadConfig(notifierEnvSchema.superRefine(refineNotifierConfig), { NOTIFIER_TRANSPORT: 'live' });
      expect.unreachable('live was accepted without its transports');
    } catch (error) {
      const names = (error as ConfigError).problems.map((p) => p.split(':')[0]);
      expect(names.sort()).toEqual(['SMS_GATEWAY_TOKEN', 'SMS_GATEWAY_URL', 'SMTP_URL']);
    }
  });

  it('refuses an SMTP_URL that is not smtp:// or smtps:// and an SMS gateway that is not http(s)', () => {
    expect(() => loadConfig(schema, { ...live, SMTP_URL: 'http://smtp.example.gov' })).toThrow(
      /SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/,
    );
    expect(() => loadConfig(schema, { ...live, SMS_GATEWAY_URL: 'ftp://sms.example.gov' })).toThrow(/SMS_GATEWAY_URL/);
  });
});
