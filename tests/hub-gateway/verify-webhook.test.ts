import { describe, expect, it } from 'vitest';
import { WebhookRejectedError, type WebhookRejectionReason } from '../../hub/gateway/port.js';
import { createSandboxGatewayClient } from '../../hub/gateway/sandbox-gateway-client.js';
import { signatureHeader } from '../../hub/gateway/webhook-signature.js';

const SECRET = 'whsec-current';
const client = createSandboxGatewayClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k', webhookSecret: SECRET });

const NOW_MS = Date.parse('2030-01-01T00:00:00Z');
const nowSeconds = NOW_MS / 1000;

const body = JSON.stringify({
  id: 'evt_1',
  type: 'order.captured',
  createdAt: '2030-01-01T00:00:00.000Z',
  data: {
    order: {
      id: 'order_1',
      merchantRef: 'pay_1',
      amount: 5_000,
      currency: 'INR',
      status: 'captured',
      amountCaptured: 5_000,
      amountRefunded: 0,
      method: 'card',
      checkoutUrl: 'http://gw.test/checkout/order_1',
    },
  },
});

const signed = (raw: string | Buffer = body, secrets = [SECRET], at = nowSeconds) => ({
  'gateway-signature': signatureHeader(secrets, raw, at),
});

function rejection(run: () => unknown): WebhookRejectionReason | undefined {
  try {
    run();
  } catch (caught) {
    if (caught instanceof WebhookRejectedError) return caught.reason;
    throw caught;
  }
  return undefined;
}

describe('verifyWebhook', () => {
  it('accepts a body signed with the secret and reads the event', () => {
    expect(client.verifyWebhook(body, signed(), NOW_MS)).toEqual({
      id: 'evt_1',
      type: 'order.captured',
      orderId: 'order_1',
      paymentId: 'pay_1',
      amountMinor: 5_000,
      occurredAt: '2030-01-01T00:00:00.000Z',
    });
  });

  it('accepts raw bytes, a header in any case, and a header given as an array', () => {
    const header = signatureHeader([SECRET], body, nowSeconds);
    expect(client.verifyWebhook(Buffer.from(body), { 'Gateway-Signature': header }, NOW_MS).id).toBe('evt_1');
    expect(client.verifyWebhook(body, { 'gateway-signature': [header] }, NOW_MS).id).toBe('evt_1');
  });

  it('rejects a body signed with another secret as bad_signature', () => {
    expect(rejection(() => client.verifyWebhook(body, signed(body, ['whsec-other']), NOW_MS))).toBe('bad_signature');
  });

  it('rejects a tampered body as bad_signature', () => {
    const tampered = body.replace('"amount":5000', '"amount":1');
    expect(tampered).not.toBe(body);
    expect(rejection(() => client.verifyWebhook(tampered, signed(), NOW_MS))).toBe('bad_signature');
  });

  it('rejects a timestamp 10 minutes old as stale, and one 10 minutes ahead too', () => {
    expect(rejection(() => client.verifyWebhook(body, signed(body, [SECRET], nowSeconds - 600), NOW_MS))).toBe('stale');
    expect(rejection(() => client.verifyWebhook(body, signed(body, [SECRET], nowSeconds + 600), NOW_MS))).toBe('stale');
    // Within the 300 s window is fine.
    expect(client.verifyWebhook(body, signed(body, [SECRET], nowSeconds - 299), NOW_MS).id).toBe('evt_1');
  });

  it('rejects a missing or malformed header as malformed', () => {
    const good = signatureHeader([SECRET], body, nowSeconds);
    const v1 = good.split(',')[1] ?? '';
    for (const header of [undefined, '', 'garbage', `t=abc,${v1}`, `t=${nowSeconds}`, `${v1}`, `t=1=2,${v1}`]) {
      expect(
        rejection(() => client.verifyWebhook(body, { 'gateway-signature': header }, NOW_MS)),
        header,
      ).toBe('malformed');
    }
  });

  it('accepts a rotated second signature: one v1 per secret, any one matching', () => {
    const rotating = signed(body, ['whsec-next', SECRET]);
    expect(rotating['gateway-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(client.verifyWebhook(body, rotating, NOW_MS).id).toBe('evt_1');
  });

  it('rejects a correctly signed body that is not an event as malformed', () => {
    for (const raw of ['not json', '{"id":"evt_1"}', body.replace('order.captured', 'order.exploded')]) {
      expect(rejection(() => client.verifyWebhook(raw, signed(raw), NOW_MS))).toBe('malformed');
    }
  });

  it('renders as a 400 with the reason', () => {
    const error = new WebhookRejectedError('stale', 'old');
    expect(error).toMatchObject({
      status: 400,
      code: 'webhook_rejected',
      retryable: false,
      details: { reason: 'stale' },
    });
  });
});
