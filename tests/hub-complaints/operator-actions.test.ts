import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintCounts, paymentComplaints } from '../../hub/complaints/index.js';
import { OperatorAudit } from '../../hub/operator/audit-log.js';
import { type ComplaintHarness, startComplaintHarness } from './harness.js';

const OPERATOR = { sub: 'op-anita', label: 'Anita (Ops)' };

describe('operators assign, move, resolve and reject complaints, every action audited with who and why', () => {
  let h: ComplaintHarness;
  let audit: OperatorAudit;

  beforeAll(async () => {
    h = await startComplaintHarness('complaints_ops');
    audit = new OperatorAudit(h.conn);
  });
  afterAll(async () => {
    await h.close();
  });

  const raiseOpen = (sub?: string) => h.raiseOpen(sub);

  it('assign, status, resolve: each recorded in the audit log with the reason, and the citizen told', async () => {
    const complaint = await raiseOpen();
    const assigned = await h.complaints.actions.assign(complaint._id, OPERATOR, { reason: 'Taking this one' });
    expect(assigned).toMatchObject({ status: 'assigned', owner: OPERATOR });
    expect(h.events.at(-1)).toMatchObject({ kind: 'complaint_updated', status: 'assigned' });

    const waiting = await h.complaints.actions.setStatus(complaint._id, OPERATOR, {
      status: 'waiting_for_biller',
      reason: 'Asked the discom for its ledger entry',
    });
    expect(waiting.status).toBe('waiting_for_biller');
    expect(h.events.at(-1)).toMatchObject({ kind: 'complaint_updated', status: 'waiting_for_biller' });

    const resolved = await h.complaints.actions.resolve(complaint._id, OPERATOR, {
      disposition: { code: 'amount_corrected', reason: 'The discom credited the extra ₹50 to your next bill' },
      reason: 'Discom confirmed the credit note',
    });
    expect(resolved).toMatchObject({ status: 'resolved', disposition: { code: 'amount_corrected' } });
    expect(resolved.timeline.at(-1)).toMatchObject({ event: 'resolved', actor: OPERATOR });
    expect(h.events.at(-1)).toMatchObject({ kind: 'complaint_resolved', disposition: 'amount_corrected' });

    const entries = await audit.list({ subjectId: complaint._id });
    expect(entries.map((e) => [e.action, e.outcome, e.reason]).reverse()).toEqual([
      ['complaint.assign', 'done', 'Taking this one'],
      ['complaint.status', 'done', 'Asked the discom for its ledger entry'],
      ['complaint.resolve', 'done', 'Discom confirmed the credit note'],
    ]);
    expect(entries.every((e) => e.actor.sub === OPERATOR.sub && e.paymentId === complaint.paymentId)).toBe(true);
  });

  it('a refused action (a closed complaint, an unknown one) is a 409 or 404 and audited as refused', async () => {
    const complaint = await raiseOpen();
    await h.complaints.actions.reject(complaint._id, OPERATOR, {
      code: 'rejected_no_fault',
      reason: 'The amount matches the bill',
    });
    await expect(
      h.complaints.actions.resolve(complaint._id, OPERATOR, {
        disposition: { code: 'resolved_other' },
        reason: 'Second thoughts',
      }),
    ).rejects.toMatchObject({ status: 409, code: 'complaint_state_conflict' });
    await expect(
      h.complaints.actions.assign('CMP000000000000', OPERATOR, { reason: 'Looking for it' }),
    ).rejects.toMatchObject({ status: 404 });
    const entries = await audit.list({ subjectId: complaint._id });
    expect(entries[0]).toMatchObject({ action: 'complaint.resolve', outcome: 'refused', reason: 'Second thoughts' });
    expect(entries[1]).toMatchObject({ action: 'complaint.reject', outcome: 'done' });
    expect((await audit.list({ subjectId: 'CMP000000000000' }))[0]).toMatchObject({ outcome: 'refused' });
  });

  it('two operators resolving at once: one wins, the other is refused and audited', async () => {
    const complaint = await raiseOpen();
    const results = await Promise.allSettled([
      h.complaints.actions.resolve(complaint._id, OPERATOR, { disposition: { code: 'resolved_other' }, reason: 'One' }),
      h.complaints.actions.reject(complaint._id, { sub: 'op-bimal' }, { reason: 'Two' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const outcomes = (await audit.list({ subjectId: complaint._id })).map((e) => e.outcome).sort();
    expect(outcomes).toEqual(['done', 'refused']);
  });

  it('rating only once and only when closed', async () => {
    const sub = `citizen-${randomUUID()}`;
    const complaint = await raiseOpen(sub);
    await expect(h.complaints.service.rate(complaint._id, sub, { score: 4 })).rejects.toMatchObject({
      status: 409,
      code: 'complaint_not_closed',
    });
    await h.complaints.actions.resolve(complaint._id, OPERATOR, {
      disposition: { code: 'receipt_sent' },
      reason: 'Sent again',
    });
    await expect(h.complaints.service.rate(complaint._id, 'someone-else', { score: 1 })).rejects.toMatchObject({
      status: 404,
    });
    const rated = await h.complaints.service.rate(complaint._id, sub, { score: 4, comment: 'Quick answer' });
    expect(rated.rating).toMatchObject({ score: 4, comment: 'Quick answer' });
    await expect(h.complaints.service.rate(complaint._id, sub, { score: 5 })).rejects.toMatchObject({
      status: 409,
      code: 'complaint_already_rated',
    });
  });
});

describe("the operator's payment page and search learn of a payment's complaints", () => {
  let h: ComplaintHarness;

  beforeAll(async () => {
    h = await startComplaintHarness('complaints_enrich');
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists the complaints of a payment and counts them per payment', async () => {
    const payment = await h.onePayment('farah');
    const other = await h.onePayment('farah', 'B-2');
    const { complaint } = await h.complaints.service.raise('farah', {
      paymentId: payment._id,
      type: 'receipt_not_received',
      description: 'No SMS came',
    });
    await h.complaints.service.raise('farah', { paymentId: payment._id, type: 'other', description: 'Also this' });
    const detail = await paymentComplaints(h.complaints.store, payment._id);
    expect(detail.complaints).toHaveLength(2);
    expect(detail.complaints.map((c) => c.id)).toContain(complaint._id);
    const counts = await complaintCounts(h.complaints.store, [payment._id, other._id]);
    expect(counts.get(payment._id)).toBe(2);
    expect(counts.get(other._id)).toBeUndefined();
  });
});
