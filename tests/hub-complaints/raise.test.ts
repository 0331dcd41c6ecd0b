import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPLAINT_ID_PATTERN, DEFAULT_COMPLAINT_OPTIONS } from '../../hub/complaints/index.js';
import { enquireUnknownLines } from '../../hub/settlement/enquiry.js';
import { settlementOptions } from '../../hub/settlement/options.js';
import { createLogger } from '../../infra/logger.js';
import { lineOf } from '../hub-payments/fixtures.js';
import { type ComplaintHarness, startComplaintHarness } from './harness.js';

const DAY = 24 * 3_600_000;

describe('a complaint is pre-checked against the payment and answered at once when the records hold the answer', () => {
  let h: ComplaintHarness;
  const citizen = () => `citizen-${randomUUID()}`;
  const raise = (sub: string, paymentId: string, type: string, extra: Record<string, string> = {}) =>
    h.complaints.service.raise(sub, {
      paymentId,
      type: type as never,
      description: 'Money left my account but the bill still shows due',
      ...extra,
    });

  beforeAll(async () => {
    h = await startComplaintHarness('complaints_raise');
  });
  afterAll(async () => {
    await h.close();
  });

  it('a complaint about a refunded line is answered at once with the refund reference', async () => {
    const sub = citizen();
    const payment = await h.onePayment(sub);
    await h.moveLine(payment, ['failed', 'refunding', 'refunded']);
    const { complaint, created } = await raise(sub, payment._id, 'amount_deducted_not_credited');
    expect(created).toBe(true);
    expect(complaint._id).toMatch(COMPLAINT_ID_PATTERN);
    expect(complaint.status).toBe('resolved');
    expect(complaint.closedAt).toBeTruthy();
    expect(complaint.disposition).toMatchObject({
      code: 'refunded',
      evidence: { refundReference: lineOf(payment, 0)._id },
    });
    expect(complaint.timeline.map((e) => e.event)).toEqual(['raised', 'pre_check.resolved']);
    // One message: the answer, with the refund's reference.
    const told = h.events.filter((e) => 'complaintId' in e && e.complaintId === complaint._id);
    expect(told).toEqual([
      expect.objectContaining({
        kind: 'complaint_resolved',
        outcome: 'resolved',
        disposition: 'refunded',
        evidence: { refundReference: lineOf(payment, 0)._id },
      }),
    ]);
  });

  it("a complaint about a settled line is answered at once with the biller's reference", async () => {
    const sub = citizen();
    const payment = await h.onePayment(sub);
    await h.moveLine(payment, ['posting', 'settled'], { billerReference: 'DISCOM-778899' });
    const { complaint } = await raise(sub, payment._id, 'amount_deducted_not_credited');
    expect(complaint.status).toBe('resolved');
    expect(complaint.disposition).toMatchObject({
      code: 'credited_to_biller',
      evidence: { billerReference: 'DISCOM-778899' },
    });
  });

  it('a settled line with an open reconciliation case goes to a person instead of being answered', async () => {
    const sub = citizen();
    const payment = await h.onePayment(sub);
    await h.moveLine(payment, ['posting', 'settled'], { billerReference: 'DISCOM-1' });
    const line = lineOf(payment, 0);
    await h.recon.cases.create({
      _id: `settled_not_at_biller:${line.reference}`,
      class: 'settled_not_at_biller',
      status: 'open',
      date: '2026-11-29',
      paymentId: payment._id,
      lineId: line._id,
      detail: "the biller's file does not list this posting",
      openedAt: new Date(),
    });
    const { complaint } = await raise(sub, payment._id, 'amount_deducted_not_credited');
    expect(complaint.status).toBe('open');
    expect(complaint.reconCaseIds).toEqual([`settled_not_at_biller:${line.reference}`]);
    expect(complaint.timeline.at(-1)?.detail).toContain("the biller's file does not list this posting");
  });

  it('a line whose refund is under way puts the complaint waiting, and the follow-up answers it with the refund reference', async () => {
    const sub = citizen();
    const payment = await h.onePayment(sub);
    await h.moveLine(payment, ['failed', 'refunding']);
    const { complaint } = await raise(sub, payment._id, 'refund_not_received');
    expect(complaint.status).toBe('waiting_for_biller');
    expect(complaint.timeline.at(-1)?.detail).toContain('refund');
    await h.payments.transitionLine(payment._id, lineOf(payment, 0)._id, 'refunding', 'refunded', 'refund.succeeded');
    const report = await h.complaints.followUp();
    expect(report.resolved).toContain(complaint._id);
    const after = await h.complaints.store.findById(complaint._id);
    expect(after?.disposition).toMatchObject({
      code: 'refunded',
      evidence: { refundReference: lineOf(payment, 0)._id },
    });
  });

  it('a complaint about an unknown line is resolved by a status enquiry', async () => {
    const sub = citizen();
    const payment = await h.onePayment(sub);
    const unknown = await h.moveLine(payment, ['posting', 'unknown'], { nextAttemptAt: new Date() });
    // At the raise the biller is still working on it: the complaint waits for the biller.
    h.biller.next = 'pending';
    const { complaint } = await raise(sub, payment._id, 'amount_deducted_not_credited');
    expect(h.enquiries).toContain(lineOf(unknown, 0).reference);
    expect(complaint.status).toBe('waiting_for_biller');
    expect(h.events.at(-1)).toMatchObject({ kind: 'complaint_received', complaintId: complaint._id });
    // The status-enquiry job asks again and the biller confirms it; the follow-up job answers the citizen.
    h.biller.next = 'accepted';
    h.biller.billerReference = 'DISCOM-ENQ-42';
    const asked = await enquireUnknownLines(
      {
        payments: h.payments,
        billers: h.billers,
        queue: h.queue,
        log: createLogger('enquiry', 'silent'),
        options: settlementOptions({ enquiryDelayMs: 0 }),
      },
      new Date(Date.now() + 60_000),
    );
    const outcome = asked.lines[lineOf(payment, 0)._id];
    expect(outcome).toBe('settled');
    const report = await h.complaints.followUp();
    expect(report.resolved).toContain(complaint._id);
    const resolved = await h.complaints.store.findById(complaint._id);
    expect(resolved?.status).toBe('resolved');
    expect(resolved?.disposition).toMatchObject({
      code: 'credited_to_biller',
      evidence: { billerReference: 'DISCOM-ENQ-42' },
    });
    expect(h.events.at(-1)).toMatchObject({
      kind: 'complaint_resolved',
      complaintId: complaint._id,
      evidence: { billerReference: 'DISCOM-ENQ-42' },
    });
  });

  it("a status enquiry at the raise that the biller answers settles the line and answers the complaint with the biller's reference", async () => {
    const sub = citizen();
    const payment = await h.onePayment(sub);
    await h.moveLine(payment, ['posting', 'unknown'], { nextAttemptAt: new Date() });
    h.biller.next = 'accepted';
    h.biller.billerReference = 'DISCOM-NOW-7';
    const { complaint } = await raise(sub, payment._id, 'amount_deducted_not_credited');
    expect(complaint.status).toBe('resolved');
    expect(complaint.disposition?.evidence).toEqual({ billerReference: 'DISCOM-NOW-7' });
    // The settled line goes back to its settle-line job: the ledger booking and the completion.
    expect(h.requeued).toContain(lineOf(payment, 0)._id);
  });

  it('an enquiry the biller refuses fails the line; the complaint waits for the refund and is answered with its reference', async () => {
    const sub = citizen();
    const payment = await h.onePayment(sub);
    await h.moveLine(payment, ['posting', 'unknown'], { nextAttemptAt: new Date() });
    h.biller.next = 'rejected';
    const { complaint } = await raise(sub, payment._id, 'amount_deducted_not_credited');
    expect(complaint.status).toBe('waiting_for_biller');
    const line = lineOf(payment, 0);
    await h.payments.transitionLine(payment._id, line._id, 'failed', 'refunding', 'refund.requested', {
      refundKey: line._id,
    });
    await h.payments.transitionLine(payment._id, line._id, 'refunding', 'refunded', 'refund.succeeded');
    await h.complaints.followUp();
    const resolved = await h.complaints.store.findById(complaint._id);
    expect(resolved?.disposition).toMatchObject({ code: 'refunded', evidence: { refundReference: line._id } });
  });

  it('one complaint per line and type: a second raise returns the open one', async () => {
    const sub = citizen();
    const payment = await h.onePayment(sub);
    const first = await raise(sub, payment._id, 'wrong_amount');
    expect(first.complaint.status).toBe('open');
    const second = await raise(sub, payment._id, 'wrong_amount', { description: 'again' } as never);
    expect(second.created).toBe(false);
    expect(second.complaint._id).toBe(first.complaint._id);
    // Another type about the same line is its own complaint.
    const other = await raise(sub, payment._id, 'receipt_not_received');
    expect(other.created).toBe(true);
    expect(other.complaint._id).not.toBe(first.complaint._id);
    // Two raises at once still make one.
    const [a, b] = await Promise.all([raise(sub, payment._id, 'other'), raise(sub, payment._id, 'other')]);
    expect(a.complaint._id).toBe(b.complaint._id);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
  });

  it('a line still posting, and a paid-twice claim, go to the queue open with what was found', async () => {
    const sub = citizen();
    const first = await h.onePayment(sub, 'B-TWICE');
    await h.moveLine(first, ['posting', 'settled'], { billerReference: 'DISCOM-A' });
    const second = await h.onePayment(sub, 'B-TWICE');
    await h.moveLine(second, ['posting']);
    const posting = await raise(sub, second._id, 'amount_deducted_not_credited');
    expect(posting.complaint.status).toBe('open');
    expect(posting.complaint.timeline.at(-1)?.detail).toContain('still posting');
    const twice = await raise(sub, second._id, 'paid_twice');
    expect(twice.complaint.status).toBe('open');
    expect(twice.complaint.timeline.at(-1)?.detail).toContain(first._id);
  });

  it("promises an answer within the type's turnaround", async () => {
    const sub = citizen();
    const payment = await h.onePayment(sub);
    const before = Date.now();
    const { complaint } = await raise(sub, payment._id, 'wrong_amount');
    const promised = new Date(complaint.dueAt).getTime() - before;
    expect(promised).toBeGreaterThanOrEqual(DEFAULT_COMPLAINT_OPTIONS.turnaroundMs.wrong_amount - 60_000);
    expect(promised).toBeLessThanOrEqual(DEFAULT_COMPLAINT_OPTIONS.turnaroundMs.wrong_amount + 60_000);
    expect(DEFAULT_COMPLAINT_OPTIONS.turnaroundMs.amount_deducted_not_credited).toBe(DAY);
  });

  it("refuses another citizen's payment as unknown", async () => {
    const payment = await h.onePayment(citizen());
    await expect(raise(citizen(), payment._id, 'other')).rejects.toMatchObject({ status: 404 });
  });
});
