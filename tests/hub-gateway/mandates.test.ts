import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayRejectedError, GatewayUnavailableError } from '../../hub/gateway/port.js';
import { createSandboxGatewayClient } from '../../hub/gateway/sandbox-gateway-client.js';
import { API_KEY, type GatewayHarness, startGateway, WEBHOOK_SECRET } from './harness.js';

let h: GatewayHarness;
let client: ReturnType<typeof createSandboxGatewayClient>;
let clock = Date.parse('2026-11-30T06:00:00Z');
beforeAll(async () => {
  h = await startGateway({ now: () => clock });
  client = createSandboxGatewayClient({ baseUrl: h.baseUrl, apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET });
});
afterAll(async () => {
  client.close();
  await h.close();
});

const DAY = 24 * 3_600_000;
const mandateInput = (maxAmountMinor = 500_000) => ({
  mandateRef: `AUT${randomUUID().slice(0, 8)}`,
  maxAmountMinor,
  currency: 'INR',
  validUntil: new Date(clock + 365 * DAY),
  returnUrl: 'http://hub.test/autopay/return',
  description: 'Autopay for electricity bills',
});

async function approved(maxAmountMinor?: number) {
  const created = await client.createMandate(mandateInput(maxAmountMinor));
  const answer = await h.api('POST', `/v1/mandates/${created.mandateId}/simulate`, { decision: 'approve' });
  expect(answer.status).toBe(200);
  return created;
}

const charge = (mandateId: string, amountMinor: number, paymentId = `PAY${randomUUID()}`.slice(0, 30)) => ({
  mandateId,
  paymentId,
  amountMinor,
  currency: 'INR',
  description: 'Autopay: electricity bill',
});

describe('mandates at the sandbox gateway', () => {
  it('a new mandate waits for approval on a hosted page, and a repeat with the same ref is the same mandate', async () => {
    const input = mandateInput();
    const first = await client.createMandate(input);
    const again = await client.createMandate(input);
    expect(again).toEqual(first);
    expect(first.approvalUrl).toBe(`${h.baseUrl}/mandates/${first.mandateId}`);
    expect(await client.getMandate(first.mandateId)).toMatchObject({
      status: 'pending_approval',
      maxAmountMinor: 500_000,
      mandateRef: input.mandateRef,
    });
    const page = await fetch(first.approvalUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('₹5,000.00');
  });

  it('approving on the hosted page activates the mandate and sends the citizen back naming it', async () => {
    const { mandateId, approvalUrl } = await client.createMandate(mandateInput());
    const answer = await fetch(approvalUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve',
      redirect: 'manual',
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(`http://hub.test/autopay/return?mandate=${mandateId}`);
    expect((await client.getMandate(mandateId)).status).toBe('active');
  });

  it('declining on the hosted page leaves the mandate declined, and it takes no charge', async () => {
    const { mandateId, approvalUrl } = await client.createMandate(mandateInput());
    await fetch(approvalUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=decline',
      redirect: 'manual',
    });
    expect((await client.getMandate(mandateId)).status).toBe('declined');
    const refused = await client.chargeMandate(charge(mandateId, 1_000)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GatewayRejectedError);
    expect((refused as GatewayRejectedError).gatewayCode).toBe('mandate_not_active');
  });

  it('a charge is an order captured at once and reported by the same signed webhook as a checkout', async () => {
    const { mandateId } = await approved();
    const input = charge(mandateId, 123_450);
    const made = await client.chargeMandate(input);
    expect(made.status).toBe('captured');
    expect(await client.getOrder(made.orderId)).toMatchObject({
      paymentId: input.paymentId,
      status: 'captured',
      capturedMinor: 123_450,
      method: 'netbanking',
    });
    const hook = await h.receiver.waitFor((all) => all.find((r) => r.event.data.order.id === made.orderId));
    const event = client.verifyWebhook(hook.rawBody, hook.headers);
    expect(event).toMatchObject({ type: 'order.captured', paymentId: input.paymentId, amountMinor: 123_450 });
  });

  it('a charge repeated with the same payment id returns the first charge and debits once', async () => {
    const { mandateId } = await approved();
    const input = charge(mandateId, 50_000);
    const first = await client.chargeMandate(input);
    const again = await client.chargeMandate(input);
    expect(again.orderId).toBe(first.orderId);
    await h.receiver.waitFor((all) => all.some((r) => r.event.data.order.id === first.orderId));
    expect(h.receiver.forOrder(first.orderId).filter((r) => r.event.type === 'order.captured')).toHaveLength(1);
    expect(await client.findMandateCharge(mandateId, input.paymentId)).toMatchObject({ orderId: first.orderId });
  });

  it('a charge above the mandate maximum is refused for good and makes no order', async () => {
    const { mandateId } = await approved(10_000);
    const input = charge(mandateId, 10_001);
    const refused = await client.chargeMandate(input).catch((e: unknown) => e);
    expect((refused as GatewayRejectedError).gatewayCode).toBe('amount_exceeds_mandate');
    expect(await client.findMandateCharge(mandateId, input.paymentId)).toBeUndefined();
  });

  it('a revoked mandate takes no charge, and revoking again changes nothing', async () => {
    const { mandateId } = await approved();
    expect((await client.revokeMandate(mandateId)).status).toBe('revoked');
    expect((await client.revokeMandate(mandateId)).status).toBe('revoked');
    const refused = await client.chargeMandate(charge(mandateId, 100)).catch((e: unknown) => e);
    expect((refused as GatewayRejectedError).gatewayCode).toBe('mandate_not_active');
  });

  it('a mandate past its validity expires, on the sandbox clock', async () => {
    const { mandateId } = await approved();
    clock += 366 * DAY;
    expect((await client.getMandate(mandateId)).status).toBe('expired');
  });

  it('a mandate charge set to fail is an order that failed, and nothing is captured', async () => {
    const { mandateId } = await approved();
    const fault = await fetch(`${h.baseUrl}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mandate: mandateId, kind: 'mandate_charge', outcome: 'failure' }),
    });
    expect(fault.status).toBe(204);
    const made = await client.chargeMandate(charge(mandateId, 2_000));
    expect(made.status).toBe('failed');
    expect((await client.getOrder(made.orderId)).capturedMinor).toBe(0);
  });

  it('a gateway that does not answer in time is unavailable (an unknown outcome), not a refusal', async () => {
    const silent = createSandboxGatewayClient({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: API_KEY,
      webhookSecret: WEBHOOK_SECRET,
      timeoutMs: 500,
      retries: 0,
    });
    try {
      const error = await silent.chargeMandate(charge('mdt_x', 100)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatewayUnavailableError);
    } finally {
      silent.close();
    }
  });

  it('an unknown mandate is a refusal naming it, and an unknown charge lookup is "never made"', async () => {
    const missing = await client.getMandate('mdt_nope').catch((e: unknown) => e);
    expect((missing as GatewayRejectedError).gatewayCode).toBe('mandate_not_found');
    const { mandateId } = await approved();
    expect(await client.findMandateCharge(mandateId, 'PAY-never')).toBeUndefined();
  });
});
