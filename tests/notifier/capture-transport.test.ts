import { afterAll, describe, expect, it } from 'vitest';
import { createCaptureTransport, readCaptured } from '../../infra/notifier/index.js';
import { isolatedRedis, uniqueName } from '../support/isolation.js';

describe('the capture transport', () => {
  const redis = isolatedRedis();
  const transport = createCaptureTransport(redis);
  const recipients: string[] = [];
  const recipient = (label: string) => {
    const to = `${uniqueName(label)}@example.com`;
    recipients.push(to);
    return to;
  };

  afterAll(async () => {
    await redis.del(...recipients.map((to) => `notifier:capture:${to}`));
    await redis.quit();
  });

  it('stores each message with its send time and reads them back newest first', async () => {
    const to = recipient('newest');
    await transport.send({ channel: 'email', to, subject: 'Your code', text: 'first 111111' });
    await transport.send({ channel: 'email', to, subject: 'Your code', text: 'second 222222', html: '<b>2</b>' });
    const captured = await readCaptured(redis, to);
    expect(captured.map((m) => m.text)).toEqual(['second 222222', 'first 111111']);
    expect(captured[0]).toMatchObject({ channel: 'email', to, subject: 'Your code', html: '<b>2</b>' });
    expect(Date.parse(captured[0]?.sentAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('keeps only the newest 50 messages of a recipient and lets them expire within an hour', async () => {
    const to = `+9198${Math.floor(Math.random() * 1e8)}`;
    recipients.push(to);
    for (let i = 1; i <= 55; i++) await transport.send({ channel: 'sms', to, text: `message ${i}` });
    const captured = await readCaptured(redis, to);
    expect(captured).toHaveLength(50);
    expect(captured[0]?.text).toBe('message 55');
    expect(captured[49]?.text).toBe('message 6');
    const ttl = await redis.ttl(`notifier:capture:${to}`);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it('reads an empty list for a recipient that was sent nothing', async () => {
    expect(await readCaptured(redis, recipient('nobody'))).toEqual([]);
  });
});
