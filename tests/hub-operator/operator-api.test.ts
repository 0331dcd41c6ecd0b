import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payableOn } from '../../adapters/sdk/index.js';
import { todayInIndia } from '../../hub/bills/indian-day.js';
import { createSandboxGatewayClient } from '../../hub/gateway/sandbox-gateway-client.js';
import { Ledger } from '../../hub/ledger/ledger.js';
import type { Payment, PaymentLine } from '../../hub/payments/payment-model.js';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import { hashRequest } from '../../hub/payments/request-hash.js';
import { ReconStore } from '../../hub/reconciliation/recon-store.js';
import { callHubApi, startTestHub, type TestHub } from '../hub-api/test-hub.js';
import { BILLERS, type Kind } from '../hub-settlement/billers.js';
import { waitFor } from '../hub-settlement/harness.js';
import { startTokenSigner, type TokenSigner } from './operator-tokens.js';

const HUB_API = 'http://127.0.0.1:9/hub-operator-api';
/** tests/hub-api/test-hub.ts gives its sandbox gateway this key. */
const GATEWAY_API_KEY = 'test-hub-gateway-key-0001';

/**
 * The operator's API on a whole test hub (sandbox billers and gateway, a worker settling for real),
 * called with hub tokens shaped as the contract says an operator's are: roles ["operator"] and the
 * code-and-app acr. Payments are put in the states the queues list straight into the hub's database.
 */
describe("the operator's API: queues, audited actions and the audit log", () => {
  let hub: TestHub;
  let signer: TokenSigner;
  let payments: PaymentStore;
  let ledger: Ledger;
  let recon: ReconStore;
  let operator: string;

  beforeAll(async () => {
    signer = await startTokenSigner(HUB_API);
    hub = await startTestHub(signer.issuer, HUB_API, {}, true);
    payments = new PaymentStore(hub.service.mongo);
    ledger = new Ledger(hub.service.mongo);
    recon = new ReconStore(hub.service.mongo);
    operator = await signer.operator();
  });
  afterAll(async () => {
    await hub?.close();
    await signer?.close();
  });

  const api = async (path: string, body?: unknown, token = operator) => {
    const res = await callHubApi(hub, path, token, body ? { method: 'POST', body: JSON.stringify(body) } : {});
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { detail?: string } };
  };

  const gateway = () =>
    createSandboxGatewayClient({ baseUrl: hub.sandboxes.gateway, apiKey: GATEWAY_API_KEY, webhookSecret: 'unused' });

  async function capturedOrder(paymentId: string, amountMinor: number): Promise<string> {
    const client = gateway();
    try {
      const { orderId } = await client.createOrder({
        paymentId,
        amountMinor,
        currency: 'INR',
        returnUrl: 'http://hub.test/return',
        description: 'bills',
      });
      // The test moves the payment by hand: the hub must not capture it from the gateway's webhook
      // as well (which raced the test's own awaiting_payment → captured on a loaded machine).
      const dropped = await fetch(`${hub.sandboxes.gateway}/__sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ order: orderId, kind: 'drop_webhooks' }),
      });
      if (dropped.status !== 204) throw new Error(`drop_webhooks answered ${dropped.status}`);
      const res = await fetch(`${hub.sandboxes.gateway}/v1/orders/${orderId}/simulate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${GATEWAY_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'success', method: 'upi' }),
      });
      if (!res.ok) throw new Error(`simulate answered ${res.status}`);
      return orderId;
    } finally {
      client.close();
    }
  }

  /** A payment of one real sandbox bill, captured at the gateway for `capturedMinor` (its total when not said). */
  async function payment(kind: Kind, capturedMinor?: number): Promise<Payment> {
    const { billerId, known } = BILLERS[kind];
    const bill = await hub.registry.get(billerId)?.operations.fetchBill(known);
    if (!bill) throw new Error('no bill');
    const lines = [
      {
        billerId,
        consumer: known,
        consumerMasked: '****',
        billNumber: bill.billNumber,
        amountMinor: payableOn(bill, todayInIndia()),
      },
    ];
    const { payment: created } = await payments.create({
      citizenSub: `citizen-${randomUUID()}`,
      idempotencyKey: randomUUID(),
      requestHash: hashRequest({ lines }),
      lines,
    });
    const amount = capturedMinor ?? created.totalMinor;
    const orderId = await capturedOrder(created._id, amount);
    await payments.transitionPayment(created._id, 'created', 'awaiting_payment', 'checkout.started', {
      gateway: { orderId },
    });
    if (capturedMinor !== undefined) {
      const held = await payments.transitionPayment(created._id, 'awaiting_payment', 'held', 'capture_mismatch', {
        gateway: { capturedMinor: amount, capturedCurrency: 'INR', method: 'upi' },
        hold: {
          reason: 'capture_mismatch',
          detail: `captured ${amount}, expected ${created.totalMinor}`,
          at: new Date(),
        },
      });
      if (!held) throw new Error('not held');
      await ledger.recordCapture(held);
      return held;
    }
    const captured = await payments.transitionPayment(created._id, 'awaiting_payment', 'captured', 'captured', {
      gateway: { capturedMinor: amount, method: 'upi' },
    });
    if (!captured) throw new Error('not captured');
    await ledger.recordCapture(captured);
    const settling = await payments.transitionPayment(created._id, 'captured', 'settling', 'settlement.started');
    if (!settling) throw new Error('not settling');
    return settling;
  }

  const lineOf = (p: Payment): PaymentLine => p.lines[0] as PaymentLine;

  async function moveLine(p: Payment, path: PaymentLine['status'][]): Promise<Payment> {
    let now = p;
    for (let i = 1; i < path.length; i++) {
      const [from, to] = [path[i - 1], path[i]] as [PaymentLine['status'], PaymentLine['status']];
      const moved = await payments.transitionLine(p._id, lineOf(p)._id, from, to, `test.${to}`, {
        ...(to === 'unknown' ? { enquiries: 0, nextAttemptAt: new Date(Date.now() + 3_600_000) } : {}),
        ...(to === 'refunding' ? { refundKey: lineOf(p)._id } : {}),
        ...(to === 'held' ? { failureCode: 'refund_refused' } : {}),
      });
      if (!moved) throw new Error(`${from} → ${to} did not happen`);
      now = moved;
    }
    return now;
  }

  /** An unknown line whose posting the biller recorded (only its answer was lost). */
  async function unknownPostedLine(kind: Kind): Promise<Payment> {
    const p = await moveLine(await payment(kind), ['pending', 'posting', 'unknown']);
    const line = lineOf(p);
    await hub.registry.get(line.billerId)?.operations.postPayment({
      reference: line.reference,
      consumer: line.consumer,
      billNumber: line.billNumber,
      amountMinor: line.amountMinor,
      paidAt: new Date().toISOString(),
      billedOn: todayInIndia(p.createdAt),
    });
    return p;
  }

  const finalStatus = (id: string) =>
    waitFor(`payment ${id} to be final`, async () => {
      const p = await payments.findById(id);
      return p && ['completed', 'refunded', 'partially_refunded'].includes(p.status) && p;
    });

  it('lists the three queues with their counts, oldest first', async () => {
    const unknown = await moveLine(await payment('gas'), ['pending', 'posting', 'unknown']);
    const held = await moveLine(await payment('water'), ['pending', 'failed', 'refunding', 'held']);

    const u = await api('/operator/queues/unknown');
    const h = await api('/operator/queues/held');
    const r = await api('/operator/queues/recon');

    expect(u.status).toBe(200);
    expect(u.body.count).toBeGreaterThanOrEqual(1);
    expect(u.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ lineId: lineOf(unknown)._id, enquiries: 0 })]),
    );
    expect(h.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ lineId: lineOf(held)._id, reason: 'refund_refused' })]),
    );
    expect(r).toMatchObject({ status: 200, body: { count: expect.any(Number), items: expect.any(Array) } });
  });

  it('every operator action is in the audit log, with who and why', async () => {
    const toEnquire = await unknownPostedLine('gas');
    const toRepost = await unknownPostedLine('electricity');
    const heldLine = await moveLine(await payment('water'), ['pending', 'failed', 'refunding', 'held']);
    const heldPayment = await payment('electricity', 5_000);
    const annotated = await payment('gas');
    const { case: reconCase } = await recon.openCase('2026-11-29', {
      class: 'held_payment',
      subject: heldPayment._id,
      paymentId: heldPayment._id,
      detail: 'held for an operator',
    });

    expect(
      await api(`/operator/lines/${lineOf(toEnquire)._id}/enquire`, { reason: 'enquire: citizen called' }),
    ).toMatchObject({
      status: 200,
      body: { outcome: 'settled' },
    });
    expect(
      await api(`/operator/lines/${lineOf(toRepost)._id}/repost`, { reason: 'repost: no answer came' }),
    ).toMatchObject({
      status: 200,
      body: { status: 'posting', reference: lineOf(toRepost).reference },
    });
    expect(
      await api(`/operator/lines/${lineOf(heldLine)._id}/refund`, { reason: 'refund: limit lifted' }),
    ).toMatchObject({
      status: 200,
      body: { status: 'refunding' },
    });
    const refunded = await waitFor('the held payment refunded', async () => {
      const answer = await api(`/operator/payments/${heldPayment._id}/refund`, { reason: 'refund: capture mismatch' });
      return answer.status === 200 && answer.body.status === 'refunded' && answer;
    });
    expect(refunded.body).toMatchObject({ refund: { amountMinor: 5_000 } });
    expect(
      await api(`/operator/payments/${annotated._id}/notes`, {
        note: 'spoke to the citizen',
        reason: 'annotate: call',
      }),
    ).toMatchObject({ status: 201, body: { note: 'spoke to the citizen' } });
    expect(
      await api(`/operator/recon-cases/${encodeURIComponent(reconCase._id)}/close`, {
        disposition: 'resolved',
        reason: 'close: refunded whole',
      }),
    ).toMatchObject({ status: 200, body: { status: 'closed' } });

    for (const p of [toEnquire, toRepost, heldLine]) await finalStatus(p._id);
    const log = await api('/operator/audit?actor=ops-asha&limit=200');
    const entries = log.body.entries as {
      action: string;
      outcome: string;
      reason: string;
      actor: { sub: string; label?: string };
      subject: { id: string };
    }[];
    const done = entries.filter((e) => e.outcome === 'done');
    expect(done.map((e) => e.action).sort()).toEqual(
      expect.arrayContaining([
        'line.enquire',
        'line.refund',
        'line.repost',
        'payment.annotate',
        'payment.refund',
        'recon_case.close',
      ]),
    );
    for (const action of ['enquire', 'repost', 'refund', 'annotate', 'close']) {
      expect(done.some((e) => e.reason.startsWith(`${action}:`))).toBe(true);
    }
    expect(done.every((e) => e.actor.sub === 'ops-asha' && e.actor.label === 'Asha Ops')).toBe(true);
    const byPayment = await api(`/operator/audit?payment=${heldPayment._id}`);
    expect((byPayment.body.entries as { action: string }[]).map((e) => e.action).sort()).toEqual([
      'payment.refund',
      'recon_case.close',
    ]);
    const bySubject = await api(`/operator/audit?subject=${lineOf(toRepost)._id}`);
    expect(bySubject.body.entries).toEqual([expect.objectContaining({ action: 'line.repost', outcome: 'done' })]);
    for (const p of [toEnquire, toRepost, heldLine, heldPayment]) {
      expect((await ledger.checkLedger(p._id)).problems).toEqual([]);
    }
  });

  it('a refused action answers 409 with the state it found, in words, and the refusal is audited', async () => {
    const held = await moveLine(await payment('water'), ['pending', 'failed', 'refunding', 'held']);
    const lineId = lineOf(held)._id;

    const answer = await api(`/operator/lines/${lineId}/repost`, { reason: 'try a re-post' });

    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 'state_moved', found: 'held' });
    expect(answer.body.detail).toContain('is held, not unknown');
    const log = await api(`/operator/audit?subject=${lineId}`);
    expect(log.body.entries).toEqual([
      expect.objectContaining({ action: 'line.repost', outcome: 'refused', reason: 'try a re-post' }),
    ]);
  });

  it('an action without a reason is a 400 and changes nothing', async () => {
    const held = await moveLine(await payment('water'), ['pending', 'failed', 'refunding', 'held']);
    const lineId = lineOf(held)._id;

    expect((await api(`/operator/lines/${lineId}/refund`, {})).status).toBe(400);
    expect((await api(`/operator/lines/${lineId}/refund`, { reason: '   ' })).status).toBe(400);
    expect(lineOf((await payments.findById(held._id)) as Payment).status).toBe('held');
  });

  it("a citizen's token is refused on the operator's queues and actions", async () => {
    const citizen = await signer.citizen();
    expect(await api('/operator/queues/unknown', undefined, citizen)).toMatchObject({
      status: 403,
      body: { code: 'wrong_token_kind' },
    });
    expect((await api('/operator/lines/LIN00000000000000000000/repost', { reason: 'x' }, citizen)).status).toBe(403);
  });
});
