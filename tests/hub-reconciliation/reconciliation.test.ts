import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newReference } from '../../hub/payments/ids.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import { hashRequest } from '../../hub/payments/request-hash.js';
import { istDateOf, type ReconResult, runReconciliation, shiftDate } from '../../hub/reconciliation/index.js';
import { BILLERS } from '../hub-settlement/billers.js';
import { ALL_THREE } from '../hub-settlement/harness.js';
import { type ReconHarness, startReconHarness } from './recon-harness.js';

let h: ReconHarness;
beforeEach(async () => {
  h = await startReconHarness('recon');
});
afterEach(async () => {
  await h.close();
});

const found = (result: ReconResult, cls: string) => result.report.counts[cls]?.found ?? 0;
const about = (result: ReconResult, subject: string) => result.differences.filter((d) => d.subject === subject);

/** A new payment of one line (status created), for a test to move where it needs it. */
async function onePayment(
  citizenSub: string,
  line: { billerId: string; consumer: Record<string, string>; billNumber: string; amountMinor: number },
) {
  const lines = [{ ...line, consumerMasked: '*' }];
  const { payment } = await h.payments.create({
    citizenSub,
    idempotencyKey: newReference(),
    requestHash: hashRequest({ lines }),
    lines,
  });
  return payment;
}

/** The hub's side of a capture of the payment's total: awaiting payment with `orderId`, captured, booked. */
async function capturedAtHub(payment: Payment, orderId: string): Promise<void> {
  await h.payments.transitionPayment(payment._id, 'created', 'awaiting_payment', 'test.checkout', {
    gateway: { orderId },
  });
  const captured = await h.payments.transitionPayment(payment._id, 'awaiting_payment', 'captured', 'test.captured', {
    gateway: { capturedMinor: payment.totalMinor },
  });
  if (!captured) throw new Error('not captured');
  await h.ledger.recordCapture(captured);
}

/** Runs reconciliation again and proves it changed nothing and opened nothing. */
async function secondRunChangesNothing(): Promise<ReconResult> {
  const before = await h.snapshot();
  const again = await h.reconcile();
  expect(await h.snapshot()).toEqual(before);
  expect(again.report.casesOpened).toBe(0);
  expect(again.differences.filter((d) => d.outcome === 'resolved')).toEqual([]);
  return again;
}

/** A payment and its gateway order, the order paid at the gateway, the hub left awaiting payment. */
async function paidButNotHeard(): Promise<Payment> {
  const line = { ...BILLERS.electricity, amountMinor: 0 };
  const bill = await h.billers.registry.get(line.billerId)?.operations.fetchBill(line.known);
  const payment = await onePayment('citizen-late', {
    billerId: line.billerId,
    consumer: line.known,
    billNumber: bill?.billNumber ?? 'UNKNOWN',
    amountMinor: bill?.amountDueMinor ?? 10_000,
  });
  const orderId = await h.gateway.capturedOrder(payment._id, payment.totalMinor);
  const awaiting = await h.payments.transitionPayment(payment._id, 'created', 'awaiting_payment', 'test.checkout', {
    gateway: { orderId },
  });
  if (!awaiting) throw new Error('no awaiting payment');
  return awaiting;
}

describe('three-way reconciliation', () => {
  it('a payment settled with every biller matches on all three sides and opens no case', async () => {
    h.startWorker();
    const payment = await h.settle(ALL_THREE);
    await h.finished(payment._id);

    const result = await h.reconcile();

    expect(result.differences).toEqual([]);
    expect(found(result, 'matched')).toBe(3);
    expect(result.report.casesOpen).toBe(0);
    expect(result.report.sourceErrors).toEqual([]);
    await secondRunChangesNothing();
  });

  it('a late capture (gateway captured, hub never heard) is applied and sent to settlement, once', async () => {
    const payment = await paidButNotHeard();

    const result = await h.reconcile();

    expect(about(result, payment._id)).toMatchObject([{ class: 'late_capture', outcome: 'resolved' }]);
    expect((await h.payments.findById(payment._id))?.status).toBe('settling');
    expect((await h.ledger.forPayment(payment._id)).map((t) => t.kind)).toEqual(['capture']);
    expect(h.started.map((p) => p._id)).toEqual([payment._id]);

    const again = await secondRunChangesNothing();
    expect(about(again, payment._id)).toEqual([]);
    expect(h.started).toHaveLength(1);
  });

  it('a missing capture (hub captured, gateway reports none) opens one case, never two', async () => {
    const payment = await onePayment('citizen-missing', {
      billerId: 'state-electricity',
      consumer: BILLERS.electricity.known,
      billNumber: 'B1',
      amountMinor: 5_000,
    });
    // An order that was never paid, and a hub that believes it was.
    const orderId = await h.gateway.openOrder(payment._id, payment.totalMinor);
    await capturedAtHub(payment, orderId);

    const result = await h.reconcile();

    expect(about(result, payment._id)).toMatchObject([{ class: 'missing_capture', outcome: 'case', caseOpened: true }]);
    expect(await h.store.cases.findById(`missing_capture:${payment._id}`).lean()).toMatchObject({
      status: 'open',
      paymentId: payment._id,
    });
    expect(result.report.casesOpen).toBe(1);

    const again = await secondRunChangesNothing();
    expect(about(again, payment._id)).toMatchObject([{ class: 'missing_capture', caseOpened: false }]);
    expect(await h.store.cases.countDocuments()).toBe(1);
  });

  it('a capture of another amount than the hub recorded is an amount mismatch case', async () => {
    const payment = await onePayment('citizen-mismatch', {
      billerId: 'city-water',
      consumer: BILLERS.water.known,
      billNumber: 'D1',
      amountMinor: 7_000,
    });
    // The gateway's order (and capture) is 5 rupees more than the total the hub recorded as captured.
    const orderId = await h.gateway.capturedOrder(payment._id, payment.totalMinor + 500);
    await capturedAtHub(payment, orderId);

    const result = await h.reconcile();

    expect(about(result, payment._id)).toMatchObject([{ class: 'amount_mismatch', outcome: 'case', caseOpened: true }]);
    await secondRunChangesNothing();
    expect(await h.store.cases.countDocuments({ class: 'amount_mismatch' })).toBe(1);
  });

  it('a payment held for a capture that did not match opens one held-payment case for an operator, never two', async () => {
    const payment = await onePayment('citizen-held', {
      billerId: 'city-water',
      consumer: BILLERS.water.known,
      billNumber: 'D1',
      amountMinor: 9_000,
    });
    // The gateway took half: the hub holds the payment (hole 2) and books what was really taken.
    const orderId = await h.gateway.capturedOrder(payment._id, payment.totalMinor / 2);
    await h.payments.transitionPayment(payment._id, 'created', 'awaiting_payment', 'test.checkout', {
      gateway: { orderId },
    });
    const held = await h.payments.transitionPayment(payment._id, 'awaiting_payment', 'held', 'capture_mismatch', {
      gateway: { capturedMinor: payment.totalMinor / 2, capturedCurrency: 'INR' },
      hold: { reason: 'capture_mismatch', detail: 'captured 4500 INR, expected 9000 INR', at: new Date() },
    });
    if (!held) throw new Error('not held');
    await h.ledger.recordCapture(held);

    const result = await h.reconcile();

    // The capture itself matches the gateway's report; what is left is the operator's decision.
    expect(about(result, payment._id)).toMatchObject([{ class: 'held_payment', outcome: 'case', caseOpened: true }]);
    await secondRunChangesNothing();
    expect(await h.store.cases.countDocuments({ class: 'held_payment' })).toBe(1);
  });

  it('a posting its biller accepted for another amount than the line is an amount mismatch case', async () => {
    const payment = await h.settlingPayment([{ kind: 'electricity' }]);
    const line = payment.lines[0];
    if (!line) throw new Error('no line');
    // The discom takes advance payments, so it accepts a posting above the bill under the line's reference.
    await h.postAtBiller({ ...line, amountMinor: line.amountMinor + 100 });
    const settled = await h.move(payment, line, 'posting', 'settled');
    await h.ledger.recordSettlement(settled, line);

    const result = await h.reconcile();

    expect(about(result, line._id)).toMatchObject([{ class: 'amount_mismatch', outcome: 'case', caseOpened: true }]);
    await secondRunChangesNothing();
  });

  it('a line the hub refunded but its biller accepted is a refunded-but-posted case', async () => {
    const payment = await h.settlingPayment([{ kind: 'electricity' }]);
    const line = payment.lines[0];
    if (!line) throw new Error('no line');
    await h.postAtBiller(line);
    await h.move(payment, line, 'posting', 'failed', 'refunding');
    await h.gateway.client.refund({
      orderId: payment.gateway.orderId ?? '',
      amountMinor: line.amountMinor,
      refundKey: line._id,
    });
    const refunded = await h.move(payment, { ...line, status: 'refunding' }, 'refunded');
    await h.ledger.recordRefund(refunded, line);

    const result = await h.reconcile();

    expect(about(result, line._id)).toMatchObject([
      { class: 'refunded_but_posted', outcome: 'case', caseOpened: true },
    ]);
    // The refund itself agrees with the gateway's report.
    expect(about(result, `${payment._id}:refunds`)).toEqual([]);
    await secondRunChangesNothing();
    expect(await h.store.cases.countDocuments({ class: 'refunded_but_posted' })).toBe(1);
  });

  it('a line settled at the hub but missing from its biller file is re-posted under its reference, once', async () => {
    const payment = await h.settlingPayment([{ kind: 'water' }]);
    const line = payment.lines[0];
    if (!line) throw new Error('no line');
    const settled = await h.move(payment, line, 'posting', 'settled');
    await h.ledger.recordSettlement(settled, line);
    expect(await h.billers.postings('water', line.reference)).toBe(0);

    const result = await h.reconcile();

    expect(about(result, line._id)).toMatchObject([{ class: 'settled_not_at_biller', outcome: 'resolved' }]);
    expect(await h.billers.postings('water', line.reference)).toBe(1);

    const again = await secondRunChangesNothing();
    expect(about(again, line._id)).toEqual([]);
    expect(found(again, 'matched')).toBe(1);
    expect(await h.billers.postings('water', line.reference)).toBe(1);
  });

  it('an unknown line its biller file shows accepted is settled, with its ledger entry, once', async () => {
    const payment = await h.settlingPayment([{ kind: 'gas' }]);
    const line = payment.lines[0];
    if (!line) throw new Error('no line');
    const billerReference = await h.postAtBiller(line);
    await h.move(payment, line, 'posting', 'unknown');

    const result = await h.reconcile();

    expect(about(result, line._id)).toMatchObject([{ class: 'unknown_resolved', outcome: 'resolved' }]);
    const after = await h.payments.findById(payment._id);
    expect(after?.lines[0]).toMatchObject({ status: 'settled', billerReference });
    expect(after?.status).toBe('completed');
    expect((await h.ledger.forPayment(payment._id)).map((t) => t._id)).toContain(`settle:${line._id}`);
    expect(await h.ledgerProblems()).toEqual([]);

    const again = await secondRunChangesNothing();
    expect(about(again, line._id)).toEqual([]);
  });

  it('an unknown line its biller has no posting for waits (status enquiry resolves it), with no case', async () => {
    const payment = await h.settlingPayment([{ kind: 'electricity' }]);
    const line = payment.lines[0];
    if (!line) throw new Error('no line');
    await h.move(payment, line, 'posting', 'unknown');

    const result = await h.reconcile();

    expect(about(result, line._id)).toEqual([]);
    expect(found(result, 'in_flight')).toBe(1);
    expect((await h.payments.findById(payment._id))?.lines[0]?.status).toBe('unknown');
  });

  it('a settled line without its ledger entry gets the entry recorded, once', async () => {
    const payment = await h.settlingPayment([{ kind: 'electricity' }]);
    const line = payment.lines[0];
    if (!line) throw new Error('no line');
    await h.postAtBiller(line);
    await h.move(payment, line, 'posting', 'settled');

    const result = await h.reconcile();

    expect(about(result, `settlement:${line._id}`)).toMatchObject([{ class: 'ledger_missing', outcome: 'resolved' }]);
    expect((await h.ledger.forPayment(payment._id)).map((t) => t._id)).toContain(`settle:${line._id}`);
    await secondRunChangesNothing();
  });

  it('a posting at a biller under a reference no hub line has opens one case', async () => {
    const reference = newReference();
    const biller = h.billers.registry.get(BILLERS.electricity.billerId);
    const bill = await biller?.operations.fetchBill(BILLERS.electricity.known);
    await biller?.operations.postPayment({
      reference,
      consumer: BILLERS.electricity.known,
      billNumber: bill?.billNumber ?? '',
      amountMinor: bill?.amountDueMinor ?? 0,
      paidAt: new Date().toISOString(),
    });

    const result = await h.reconcile();

    const subject = `${BILLERS.electricity.billerId}:${reference}`;
    expect(about(result, subject)).toMatchObject([{ class: 'unmatched_posting', outcome: 'case', caseOpened: true }]);
    await secondRunChangesNothing();
  });

  it('saves one report per day, replaced by each run, with counts by class and the duration', async () => {
    await h.settlingPayment([{ kind: 'water' }]);
    const first = await h.reconcile();
    const second = await h.reconcile();

    expect(await h.store.reports.countDocuments()).toBe(1);
    expect(second.report).toMatchObject({ _id: first.report._id, runs: 2, payments: 1 });
    expect(second.report.durationMs).toBeGreaterThanOrEqual(0);
    expect(second.report.counts.in_flight?.found).toBe(1);
  });

  it('a biller whose collection file cannot be read is named in the report and its lines are not re-posted', async () => {
    const payment = await h.settlingPayment([{ kind: 'water' }]);
    const line = payment.lines[0];
    if (!line) throw new Error('no line');
    const settled = await h.move(payment, line, 'posting', 'settled');
    await h.ledger.recordSettlement(settled, line);
    const billers = h.deps.billers.map((source) =>
      source.billerId === 'city-water'
        ? { billerId: source.billerId, collectionReport: () => Promise.reject(new Error('MIS file refused')) }
        : source,
    );

    const result = await runReconciliation({ ...h.deps, billers }, { date: istDateOf(new Date()) });

    expect(result.report.sourceErrors).toEqual(['city-water: MIS file refused']);
    expect(about(result, line._id)).toEqual([]);
    expect(await h.billers.postings('water', line.reference)).toBe(0);
  });

  it('refuses a date that is not a calendar day, and reads nothing', async () => {
    await expect(runReconciliation(h.deps, { date: '2026-02-30' })).rejects.toThrow(/YYYY-MM-DD/);
    expect(await h.store.reports.countDocuments()).toBe(0);
  });

  it('a capture for a payment the hub does not have opens a late-capture case and changes nothing', async () => {
    const stranger = `PAY${newReference().slice(3)}`;
    await h.gateway.capturedOrder(stranger, 4_200);

    const result = await h.reconcile();

    expect(about(result, stranger)).toMatchObject([{ class: 'late_capture', outcome: 'case', caseOpened: true }]);
    expect(await h.store.cases.findById(`late_capture:${stranger}`).lean()).toMatchObject({
      resolutionError: 'the hub has no such payment',
    });
    expect(await h.payments.model.countDocuments()).toBe(0);
    await secondRunChangesNothing();
  });

  it('a gateway refund the hub does not know of is a refund amount mismatch case', async () => {
    const payment = await h.settlingPayment([{ kind: 'gas' }]);
    await h.gateway.client.refund({
      orderId: payment.gateway.orderId ?? '',
      amountMinor: 100,
      refundKey: newReference(),
    });

    const result = await h.reconcile();

    expect(about(result, `${payment._id}:refunds`)).toMatchObject([
      { class: 'amount_mismatch', outcome: 'case', caseOpened: true },
    ]);
    await secondRunChangesNothing();
  });

  it('a capture the gateway files under the next day (near midnight) is matched, not missing', async () => {
    h.startWorker();
    const payment = await h.settle([{ kind: 'electricity' }]);
    await h.finished(payment._id);
    // A gateway whose day turns earlier: today's capture sits in tomorrow's report.
    const shifted = {
      settlementReport: async (date: string) => ({
        ...(await h.deps.gateway.settlementReport(shiftDate(date, -1))),
        date,
      }),
    };

    const result = await runReconciliation({ ...h.deps, gateway: shifted }, { date: istDateOf(new Date()) });

    expect(result.differences).toEqual([]);
    expect(found(result, 'matched')).toBe(1);
  });

  it("a capture the reports lag behind on, confirmed by the gateway's live order, is matched, not missing", async () => {
    const payment = await h.capturedPayment([{ kind: 'gas' }]);
    const lagging = { settlementReport: async (date: string) => ({ date, rows: [] }) };

    const result = await runReconciliation({ ...h.deps, gateway: lagging }, { date: istDateOf(new Date()) });

    expect(about(result, payment._id)).toEqual([]);
    expect(await h.store.cases.countDocuments()).toBe(0);
  });
});
