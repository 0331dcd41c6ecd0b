import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComplaintType } from '../../hub/complaints/index.js';
import { OperatorAudit } from '../../hub/operator/audit-log.js';
import { type ComplaintHarness, startComplaintHarness } from './harness.js';

const ANITA = { sub: 'op-anita', label: 'Anita (Ops)' };

describe("the operators' complaint queue and complaint owners", () => {
  let h: ComplaintHarness;
  let audit: OperatorAudit;

  beforeAll(async () => {
    h = await startComplaintHarness('complaints_queue');
    audit = new OperatorAudit(h.conn);
  });
  afterAll(async () => {
    await h.close();
  });

  const raise = async (type: ComplaintType) => {
    const sub = `citizen-${randomUUID()}`;
    const payment = await h.onePayment(sub);
    const { complaint } = await h.complaints.service.raise(sub, {
      paymentId: payment._id,
      type,
      description: 'Something is wrong with this payment',
    });
    return complaint;
  };

  it('lists the complaint nearest its promised time first, whatever order they were raised in, and pages in that order', async () => {
    // Raised longest turnaround first: a 7-day one, then a 1-day one, then a 5-day one.
    const week = await raise('other');
    const day = await raise('wrong_amount');
    const refund = await raise('refund_not_received');
    const due = (c: { dueAt: Date }) => new Date(c.dueAt).getTime();
    const ours = new Set([week._id, day._id, refund._id]);
    const expected = [week, day, refund].sort((a, b) => due(a) - due(b)).map((c) => c._id);

    const all = await h.complaints.store.list({ byDue: true, limit: 200 });
    expect(all.map((c) => c._id).filter((id) => ours.has(id))).toEqual(expected);
    const dues = all.map(due);
    expect(dues).toEqual([...dues].sort((a, b) => a - b));

    // One a page, each page after the last row of the previous one: the same order, nothing repeated.
    const walked: string[] = [];
    let afterDue: { dueAt: Date; id: string } | undefined;
    for (let page = 0; page < all.length; page += 1) {
      const [row] = await h.complaints.store.list({ byDue: true, limit: 1, ...(afterDue ? { afterDue } : {}) });
      if (!row) break;
      walked.push(row._id);
      afterDue = { dueAt: new Date(row.dueAt), id: row._id };
    }
    expect(walked).toEqual(all.map((c) => c._id));
  });

  it('refuses to assign a complaint to an operator who has never acted, audited, and takes a known one’s name from the audit log', async () => {
    const complaint = await raise('wrong_amount');
    await expect(
      h.complaints.actions.assign(complaint._id, ANITA, {
        owner: { sub: 'ghost-operator', label: 'Ghost' },
        reason: 'Passing it on',
      }),
    ).rejects.toMatchObject({ status: 422, code: 'unknown_operator' });
    expect((await h.complaints.store.findById(complaint._id))?.status).toBe('open');
    const [refusal] = await audit.list({ subjectId: complaint._id });
    expect(refusal).toMatchObject({ action: 'complaint.assign', outcome: 'refused', actor: ANITA });

    // Ravi has acted before (the audit log knows him); a label sent with his id is not trusted.
    const ravi = { sub: 'op-ravi', label: 'Ravi (Ops)' };
    await audit.record({
      actor: ravi,
      action: 'payment.annotate',
      subject: { kind: 'payment', id: complaint.paymentId },
      reason: 'Looked at it',
      outcome: 'done',
    });
    const assigned = await h.complaints.actions.assign(complaint._id, ANITA, {
      owner: { sub: 'op-ravi', label: 'Someone else' },
      reason: 'Ravi knows this biller',
    });
    expect(assigned).toMatchObject({ status: 'assigned', owner: ravi });
  });
});

describe("the operators' overdue filter", () => {
  let h: ComplaintHarness;

  beforeAll(async () => {
    h = await startComplaintHarness('complaints_breached');
  });
  afterAll(async () => {
    await h.close();
  });

  it('keeps an escalated complaint among the overdue ones after escalation renewed its due time', async () => {
    const sub = `citizen-${randomUUID()}`;
    const payment = await h.onePayment(sub);
    const { complaint } = await h.complaints.service.raise(sub, {
      paymentId: payment._id,
      type: 'wrong_amount',
      description: 'Charged more than the bill',
    });
    const late = new Date(new Date(complaint.dueAt).getTime() + 1_000);
    await h.complaints.escalate(late);
    const escalated = await h.complaints.store.findById(complaint._id);
    expect(escalated?.status).toBe('escalated');
    expect(new Date(escalated?.dueAt ?? 0).getTime()).toBeGreaterThan(late.getTime());

    const overdue = await h.complaints.store.list({ breached: true, now: late, limit: 200 });
    expect(overdue.map((c) => c._id)).toContain(complaint._id);
    // The escalation job's own query still waits for the renewed due time.
    const toEscalate = await h.complaints.store.list({ overdue: true, now: late, limit: 200 });
    expect(toEscalate.map((c) => c._id)).not.toContain(complaint._id);
  });
});
