import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperatorQueues } from '../../hub/operator/queues.js';
import { type OperatorHarness, startOperatorHarness } from './operator-harness.js';

describe("the operator's queues list unknown outcomes, refunds needing a person and open cases, oldest first, with counts", () => {
  let o: OperatorHarness;
  let queues: OperatorQueues;

  beforeAll(async () => {
    o = await startOperatorHarness('operator_queues');
    queues = new OperatorQueues(o.h.payments, o.recon);
  });
  afterAll(async () => {
    await o?.close();
  });

  it('lists unknown lines oldest first with their age, enquiries made and next enquiry', async () => {
    const first = await o.unknownLine('gas');
    const second = await o.unknownLine('water');
    await o.h.payments.recordEnquiry(second.payment._id, second.line._id, 0, null);

    const queue = await queues.unknown(100, new Date(Date.now() + 10_000));

    expect(queue.count).toBe(2);
    expect(queue.items.map((i) => i.lineId)).toEqual([first.line._id, second.line._id]);
    expect(queue.items[0]).toMatchObject({
      paymentId: first.payment._id,
      reference: first.line.reference,
      enquiries: 0,
      amountMinor: first.line.amountMinor,
    });
    expect(queue.items[0]?.ageSeconds).toBeGreaterThanOrEqual(9);
    expect(queue.items[0]?.nextAttemptAt).toBeDefined();
    expect(queue.items[1]).toMatchObject({ enquiries: 1 });
    expect(queue.items[1]).not.toHaveProperty('nextAttemptAt');
    expect((await queues.unknown(1)).items).toHaveLength(1);
    expect((await queues.unknown(1)).count).toBe(2);
  });

  it('lists held lines and held payments together, oldest first, each with why it is held', async () => {
    const line = await o.heldLine('electricity');
    const payment = await o.heldPayment();

    const queue = await queues.held();

    expect(queue.count).toBe(2);
    expect(queue.items.map((i) => i.kind)).toEqual(['line', 'payment']);
    expect(queue.items[0]).toMatchObject({ lineId: line.line._id, reason: 'refund_refused' });
    expect(queue.items[1]).toMatchObject({
      paymentId: payment._id,
      reason: 'capture_mismatch',
      amountMinor: payment.gateway.capturedMinor,
      currency: 'INR',
    });
    expect(queue.items[1]?.detail).toContain('expected');
  });

  it('lists open reconciliation cases with class and subject, and leaves closed ones out', async () => {
    const open = await o.recon.openCase('2026-11-28', {
      class: 'missing_capture',
      subject: 'PAYQUEUE000000000000001',
      paymentId: 'PAYQUEUE000000000000001',
      detail: 'no gateway report shows a capture',
    });
    const lineCase = await o.recon.openCase('2026-11-29', {
      class: 'refunded_but_posted',
      subject: 'LINQUEUE000000000000001',
      paymentId: 'PAYQUEUE000000000000002',
      lineId: 'LINQUEUE000000000000001',
      detail: 'the biller has a posting the hub refunded',
    });
    const closed = await o.recon.openCase('2026-11-29', {
      class: 'held_payment',
      subject: 'PAYQUEUE000000000000003',
      paymentId: 'PAYQUEUE000000000000003',
      detail: 'held',
    });
    await o.recon.cases.updateOne({ _id: closed.case._id }, { $set: { status: 'closed' } });

    const queue = await queues.recon();

    expect(queue.count).toBe(2);
    expect(queue.items.map((i) => i.id)).toEqual([open.case._id, lineCase.case._id]);
    expect(queue.items[1]).toMatchObject({ class: 'refunded_but_posted', subject: 'LINQUEUE000000000000001' });
  });
});
