import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annotatePayment, paymentNotes } from '../../hub/operator/actions/annotate-payment.js';
import { closeReconCase } from '../../hub/operator/actions/close-recon-case.js';
import { refundHeldPayment } from '../../hub/operator/actions/refund-held-payment.js';
import { type OperatorHarness, startOperatorHarness } from './operator-harness.js';
import { refusal } from './refusal.js';

describe("an operator's payment and case actions: a held payment's refund, notes, closing a reconciliation case", () => {
  let o: OperatorHarness;

  beforeAll(async () => {
    o = await startOperatorHarness('operator_payments');
  });
  afterAll(async () => {
    await o?.close();
  });

  /** The held payment's refund, asked again while the gateway still has it pending. */
  async function refundUntilDone(paymentId: string) {
    for (let i = 0; i < 100; i++) {
      const answer = await refundHeldPayment(o.deps, paymentId, o.asOperator('capture did not match the bills'));
      if (answer.status === 'refunded') return answer;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the held refund never completed');
  }

  it("refunds a held payment's whole capture at the gateway: held → refunded, out of payments:held, ledger balanced", async () => {
    const held = await o.heldPayment();
    const captured = held.gateway.capturedMinor as number;
    expect((await o.h.ledger.checkLedger(held._id)).problems).toEqual([]);

    const answer = await refundUntilDone(held._id);

    expect(answer).toMatchObject({ paymentId: held._id, status: 'refunded', refund: { amountMinor: captured } });
    const after = await o.h.payments.findById(held._id);
    expect(after).toMatchObject({ status: 'refunded', hold: { reason: 'capture_mismatch' } });
    const order = await o.h.gateway.client.getOrder(held.gateway.orderId as string);
    expect(order.refundedMinor).toBe(captured);
    const ledger = await o.h.ledger.checkLedger(held._id);
    expect(ledger.problems).toEqual([]);
    expect(ledger.totals).toMatchObject({ capturedMinor: captured, refundedMinor: captured, heldMinor: 0 });
    const movements = await o.h.ledger.model.find({ paymentId: held._id }).lean();
    expect(movements.map((t) => t._id).sort()).toEqual([`capture:${held._id}`, `refund:${held._id}`]);
    const entries = (await o.audit.list({ subjectId: held._id })).filter((e) => e.outcome === 'done');
    expect(entries.at(0)).toMatchObject({ action: 'payment.refund', paymentId: held._id });
  });

  it('refunding a payment that is not held is refused with the state found, moves no money, and is audited', async () => {
    const held = await o.heldPayment();
    await refundUntilDone(held._id);

    const refused = await refusal(refundHeldPayment(o.deps, held._id, o.asOperator('again, to be sure')));

    expect(refused).toMatchObject({ status: 409, code: 'state_moved', found: 'refunded' });
    const order = await o.h.gateway.client.getOrder(held.gateway.orderId as string);
    expect(order.refundedMinor).toBe(held.gateway.capturedMinor);
    expect((await o.audit.list({ subjectId: held._id, limit: 1 }))[0]).toMatchObject({
      action: 'payment.refund',
      outcome: 'refused',
    });
  });

  it('a note on a payment is kept in the audit log and listed with the payment; a note on no payment is refused', async () => {
    const payment = await o.h.settlingPayment([{ kind: 'gas' }]);

    const note = await annotatePayment(
      o.deps,
      payment._id,
      'Citizen called; told them to wait a day',
      o.asOperator('call log'),
    );

    expect(note).toMatchObject({ note: 'Citizen called; told them to wait a day', reason: 'call log' });
    expect(await paymentNotes(o.deps, payment._id)).toEqual([
      expect.objectContaining({
        note: 'Citizen called; told them to wait a day',
        by: expect.objectContaining({ sub: 'operator-1' }),
      }),
    ]);
    expect((await o.h.payments.findById(payment._id))?.updatedAt).toEqual(payment.updatedAt);
    const refused = await refusal(annotatePayment(o.deps, 'PAY00000000000000000000', 'x', o.asOperator()));
    expect(refused).toMatchObject({ status: 404 });
    expect((await o.audit.list({ subjectId: 'PAY00000000000000000000' }))[0]).toMatchObject({ outcome: 'refused' });
  });

  it('closes an open reconciliation case with its disposition and who closed it; closing it again is refused', async () => {
    const { case: opened } = await o.recon.openCase('2026-11-29', {
      class: 'held_payment',
      subject: 'PAYCASE0000000000000001',
      paymentId: 'PAYCASE0000000000000001',
      detail: 'held for an operator',
    });

    const closed = await closeReconCase(o.deps, opened._id, 'explained', o.asOperator('refunded by the operator'));

    expect(closed).toMatchObject({
      status: 'closed',
      closed: { disposition: 'explained', reason: 'refunded by the operator', by: { sub: 'operator-1' } },
    });
    const again = await refusal(closeReconCase(o.deps, opened._id, 'resolved', o.asOperator()));
    expect(again).toMatchObject({ status: 409, code: 'state_moved', found: 'closed' });
    expect((await o.recon.cases.findById(opened._id).lean())?.closed?.disposition).toBe('explained');
    const log = await o.audit.list({ subjectId: opened._id });
    expect(log.map((e) => e.outcome)).toEqual(['refused', 'done']);
    expect(log[0]?.paymentId).toBe('PAYCASE0000000000000001');
  });
});
