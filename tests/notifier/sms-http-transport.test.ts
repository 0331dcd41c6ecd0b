import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createSmsHttpTransport } from '../../infra/notifier/index.js';
import { startFakeGateway } from './fake-servers.js';

const token = 'gw-secret-token-7f3a';
const text = 'Your Citizen BillPay code is 604218';

/** Everything an Error can show in a log line or a stack trace. */
function everythingIn(error: unknown): string {
  return `${String(error)}\n${(error as Error).stack ?? ''}\n${inspect(error, { depth: 10, showHidden: true })}`;
}

describe('the SMS gateway transport', () => {
  const servers: Array<{ close: () => Promise<void> }> = [];
  const start = async (status: number | 'hang') => {
    const gateway = await startFakeGateway(status);
    servers.push(gateway);
    return gateway;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('posts the recipient and text as JSON with the bearer token', async () => {
    const gateway = await start(202);
    await createSmsHttpTransport({ url: gateway.url, token }).send({ channel: 'sms', to: '+919876541234', text });
    expect(gateway.requests).toHaveLength(1);
    const [request] = gateway.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/sms');
    expect(request?.headers.authorization).toBe(`Bearer ${token}`);
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(request?.body ?? '')).toEqual({ to: '+919876541234', text });
  });

  it('rejects a 500 answer naming the status without the token or the text', async () => {
    const gateway = await start(500);
    const error = await createSmsHttpTransport({ url: gateway.url, token })
      .send({ channel: 'sms', to: '+919876541234', text })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('500');
    const shown = everythingIn(error);
    expect(shown).not.toContain(token);
    expect(shown).not.toContain('604218');
  });

  it('rejects within its timeout when the gateway never answers, without the token or the text', async () => {
    const gateway = await start('hang');
    const started = performance.now();
    const error = await createSmsHttpTransport({ url: gateway.url, token, timeoutMs: 300 })
      .send({ channel: 'sms', to: '+919876541234', text })
      .catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/no answer within 300 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
    const shown = everythingIn(error);
    expect(shown).not.toContain(token);
    expect(shown).not.toContain('604218');
  });

  it('refuses an email without calling the gateway', async () => {
    const gateway = await start(200);
    const transport = createSmsHttpTransport({ url: gateway.url, token });
    await expect(transport.send({ channel: 'email', to: 'a@example.com', text })).rejects.toThrow(/sms only/);
    expect(gateway.requests).toHaveLength(0);
  });
});
