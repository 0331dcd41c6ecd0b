import { type Logger, pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNotifier,
  maskRecipient,
  type NotifierConfig,
  notifierEnvSchema,
  readCaptured,
} from '../../infra/notifier/index.js';
import { isolatedRedis, uniqueName } from '../support/isolation.js';
import { startFakeGateway, startFakeSmtp } from './fake-servers.js';

/** A logger whose lines the test can read. */
function recordingLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

const code = '731904';

describe('the notifier', () => {
  const redis = isolatedRedis();
  const keys: string[] = [];
  let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
  let gateway: Awaited<ReturnType<typeof startFakeGateway>>;

  beforeAll(async () => {
    [smtp, gateway] = await Promise.all([startFakeSmtp(), startFakeGateway(200)]);
  });
  afterAll(async () => {
    if (keys.length > 0) await redis.del(...keys);
    await Promise.all([smtp.close(), gateway.close(), redis.quit()]);
  });

  it('captures both channels in Redis when NOTIFIER_TRANSPORT=capture and delivers nothing', async () => {
    const { log } = recordingLogger();
    const notifier = createNotifier(notifierEnvSchema.parse({}), { redis, log });
    const email = `${uniqueName('cap')}@example.com`;
    const phone = `+9197${Math.floor(Math.random() * 1e8)}`;
    keys.push(`notifier:capture:${email}`, `notifier:capture:${phone}`);
    const [mailsBefore, requestsBefore] = [smtp.received.length, gateway.requests.length];
    await notifier.send({ channel: 'email', to: email, subject: 'Code', text: `code ${code}` });
    await notifier.send({ channel: 'sms', to: phone, text: `code ${code}` });
    expect((await readCaptured(redis, email)).map((m) => m.channel)).toEqual(['email']);
    expect((await readCaptured(redis, phone)).map((m) => m.channel)).toEqual(['sms']);
    expect(smtp.received).toHaveLength(mailsBefore);
    expect(gateway.requests).toHaveLength(requestsBefore);
  });

  it('sends email over SMTP and sms through the gateway when NOTIFIER_TRANSPORT=live', async () => {
    const { log } = recordingLogger();
    const config: NotifierConfig = notifierEnvSchema.parse({
      NOTIFIER_TRANSPORT: 'live',
      SMTP_URL: smtp.url,
      SMS_GATEWAY_URL: gateway.url,
      SMS_GATEWAY_TOKEN: 'gw-token',
    });
    const notifier = createNotifier(config, { redis, log });
    const email = `${uniqueName('live')}@example.com`;
    const [mailsBefore, requestsBefore] = [smtp.received.length, gateway.requests.length];
    await notifier.send({ channel: 'email', to: email, subject: 'Receipt', text: 'Paid 1,250.00' });
    await notifier.send({ channel: 'sms', to: '+919876541234', text: 'Paid 1,250.00' });
    expect(smtp.received.slice(mailsBefore).map((m) => m.to)).toEqual([[email]]);
    const posted = gateway.requests.slice(requestsBefore);
    expect(posted.map((r) => JSON.parse(r.body))).toEqual([{ to: '+919876541234', text: 'Paid 1,250.00' }]);
    expect(posted[0]?.headers.authorization).toBe('Bearer gw-token');
    expect(await readCaptured(redis, email)).toEqual([]);
  });

  it('refuses a live config built without its transports', () => {
    const { log } = recordingLogger();
    const config = notifierEnvSchema.parse({ NOTIFIER_TRANSPORT: 'live' });
    expect(() => createNotifier(config, { redis, log })).toThrow(/SMTP_URL/);
  });

  it('logs one line per message with the channel and a masked recipient, never the text or subject', async () => {
    const { log, lines } = recordingLogger();
    const notifier = createNotifier(notifierEnvSchema.parse({}), { redis, log });
    const email = `asha.${uniqueName('log')}@example.com`;
    keys.push(`notifier:capture:${email}`, 'notifier:capture:+919876541234');
    const before = lines.length;
    await notifier.send({ channel: 'email', to: email, subject: `Code ${code}`, text: `Your code is ${code}` });
    await notifier.send({ channel: 'sms', to: '+919876541234', text: `Your code is ${code}` });
    const sent = lines.slice(before);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatchObject({ msg: 'notification sent', channel: 'email', to: 'a***@example.com' });
    expect(sent[1]).toMatchObject({ msg: 'notification sent', channel: 'sms', to: '+91******1234' });
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(code);
    expect(logged).not.toContain(email);
    expect(logged).not.toContain('9876541234');
  });
});

describe('recipient masking', () => {
  it('keeps the first letter and the domain of an email address', () => {
    expect(maskRecipient('asha.rao@example.com')).toBe('a***@example.com');
    expect(maskRecipient('x@mail.example.gov')).toBe('x***@mail.example.gov');
  });

  it('keeps the country code and the last four digits of a phone number', () => {
    expect(maskRecipient('+919876541234')).toBe('+91******1234');
    expect(maskRecipient('+14155552671')).toBe('+1******2671');
  });

  it('hides all but the last two characters of anything else', () => {
    expect(maskRecipient('9876541234')).toBe('********34');
    expect(maskRecipient('abc')).toBe('***');
  });
});
