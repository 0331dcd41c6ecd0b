import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BillerUnavailableError } from '../../adapters/sdk/index.js';
import { displayStatus, lineDisplayStatus } from '../../hub/payments/display-status.js';
import type { Payment, PaymentLine } from '../../hub/payments/payment-model.js';
import { type EnquiryDeps, enquireLine, enquireUnknownLines } from '../../hub/settlement/enquiry.js';
import { settlementOptions } from '../../hub/settlement/options.js';
import { enqueueSettlement } from '../../hub/settlement/queue.js';
import { type SettlementWorker, startSettlementWorker } from '../../hub/settlement/worker.js';
import { BILLERS, type Kind } from './billers.js';
import { type Harness, startHarness, TEST_OPTIONS, waitFor } from './harness.js';
import { type ScriptedBillers, scriptedBillers } from './scripted-billers.js';

const lineOf = (payment: Payment | null, kind: Kind): PaymentLine => {
  const line = payment?.lines.find((l) => l.billerId === BILLERS[kind].billerId);
  if (!line) throw new Error(`no ${kind} line`);
  return line;
};
const entries = (payment: Payment, lineId: string, to: string) =>
  payment.timeline.filter((e) => e.lineId === lineId && e.to === to).length;

describe('an ambiguous biller answer is an unknown outcome, resolved by status enquiry, never refunded on a guess', () => {
  let h: Harness;
  let scripted: ScriptedBillers;
  let worker: SettlementWorker;
  let enquiry: EnquiryDeps;

  beforeAll(async () => {
    h = await startHarness('settle_unknown');
    scripted = scriptedBillers(h.billers.registry);
    const { options, ...deps } = h.lineDeps();
    // Two status checks of a pending posting, then the line's outcome is unknown.
    worker = startSettlementWorker({
      ...deps,
      billers: scripted.registry,
      connection: h.connect(),
      options: { ...options, maxPolls: 2 },
    });
    enquiry = {
      payments: h.payments,
      billers: scripted.registry,
      queue: h.queue,
      log: deps.log,
      options: settlementOptions(h.options),
    };
  });

  afterEach(async () => {
    await h.billers.resetFaults();
    expect(await h.ledgerProblems()).toEqual([]);
  });

  afterAll(async () => {
    await worker?.close();
    await h?.close();
  });

  const becomesUnknown = (payment: Payment, kind: Kind) =>
    waitFor(`the ${kind} line to be unknown`, async () => {
      const now = await h.payments.findById(payment._id);
      return lineOf(now, kind).status === 'unknown' && now;
    });

  it('settles a posting still pending past the poll limit once the biller accepts it, and never refunds it', async () => {
    const payment = await h.settlingPayment([{ kind: 'gas' }]);
    const line = lineOf(payment, 'gas');
    // The company keeps the posting pending far beyond the poll limit.
    await h.billers.fault('gas', BILLERS.gas.known, { kind: 'pending_then_accept', ms: 600_000 });
    await enqueueSettlement(h.queue, payment);

    const unknown = await becomesUnknown(payment, 'gas');
    expect(unknown.status).toBe('settling');
    expect(lineOf(unknown, 'gas')).toMatchObject({ status: 'unknown', enquiries: 0 });
    // Still pending when asked: it stays unknown, with its next enquiry later.
    expect((await enquireUnknownLines(enquiry)).lines[line._id]).toBe('still_unknown');
    const asked = lineOf(await h.payments.findById(payment._id), 'gas');
    expect(asked).toMatchObject({ status: 'unknown', enquiries: 1 });
    expect(asked.nextAttemptAt?.getTime()).toBeGreaterThan(Date.now() - 1_000);

    // The company posts it in the end.
    scripted.onStatus(line.reference, async (reference) => ({
      reference,
      status: 'accepted',
      billerReference: 'COL-LATE-1',
      billerStatus: 'POSTED',
    }));
    const later = new Date(Date.now() + 60_000);
    expect((await enquireUnknownLines(enquiry, later)).lines[line._id]).toBe('settled');
    const done = await h.finished(payment._id);

    expect(done.status).toBe('completed');
    expect(lineOf(done, 'gas')).toMatchObject({ status: 'settled', billerReference: 'COL-LATE-1' });
    expect(entries(done, line._id, 'refunding')).toBe(0);
    expect((await h.gateway.client.getOrder(done.gateway.orderId as string)).refundedMinor).toBe(0);
    expect(await h.billers.postings('gas', line.reference)).toBe(1);
    expect((await h.ledger.forPayment(payment._id)).map((t) => t.kind).sort()).toEqual(['capture', 'settlement']);
    scripted.clear(line.reference);
  });

  it('settles once a line whose answer timed out on the last attempt after the biller recorded it', async () => {
    const payment = await h.settlingPayment([{ kind: 'water' }]);
    const line = lineOf(payment, 'water');
    // The board records every post, but its answer never arrives.
    scripted.onPost(line.reference, async (posting, real) => {
      await real.postPayment(posting);
      throw new BillerUnavailableError('water board timed out');
    });
    await enqueueSettlement(h.queue, payment);

    const unknown = await becomesUnknown(payment, 'water');
    expect(lineOf(unknown, 'water').attempts).toBe(TEST_OPTIONS.attempts);
    expect((await h.gateway.client.getOrder(unknown.gateway.orderId as string)).refundedMinor).toBe(0);
    scripted.clear(line.reference);

    expect((await enquireUnknownLines(enquiry)).lines[line._id]).toBe('settled');
    const done = await h.finished(payment._id);

    expect(done.status).toBe('completed');
    expect(entries(done, line._id, 'unknown')).toBe(1);
    expect(entries(done, line._id, 'settled')).toBe(1);
    expect(await h.billers.postings('water', line.reference)).toBe(1);
    expect((await h.gateway.client.getOrder(done.gateway.orderId as string)).refundedMinor).toBe(0);
    expect((await h.ledger.forPayment(payment._id)).filter((t) => t.kind === 'settlement')).toHaveLength(1);
  });

  it('refunds once a line the biller has no record of when asked after the outcome was unknown', async () => {
    const payment = await h.settlingPayment([{ kind: 'electricity' }]);
    const line = lineOf(payment, 'electricity');
    // Every post times out before it reaches the discom.
    scripted.onPost(line.reference, async () => {
      throw new BillerUnavailableError('discom timed out');
    });
    await enqueueSettlement(h.queue, payment);
    await becomesUnknown(payment, 'electricity');
    scripted.clear(line.reference);

    expect((await enquireUnknownLines(enquiry)).lines[line._id]).toBe('failed');
    const done = await h.finished(payment._id);

    expect(done.status).toBe('refunded');
    expect(lineOf(done, 'electricity')).toMatchObject({ status: 'refunded', failureCode: 'not_found_after_enquiry' });
    expect(await h.billers.postings('electricity', line.reference)).toBe(0);
    // Asked again, and its job run again: nothing more happens.
    expect((await enquireUnknownLines(enquiry, new Date(Date.now() + 60_000))).lines).toEqual({});
    const order = await h.gateway.client.getOrder(done.gateway.orderId as string);
    expect(order.refundedMinor).toBe(line.amountMinor);
    expect(entries(done, line._id, 'refunded')).toBe(1);
    expect((await h.ledger.forPayment(payment._id)).filter((t) => t.kind === 'refund')).toHaveLength(1);
  });

  it('a biller with no record of a posting, asked before the posting had its time to arrive, leaves the line unknown', async () => {
    const payment = await h.settlingPayment([{ kind: 'gas' }]);
    const line = lineOf(payment, 'gas');
    await h.payments.transitionLine(payment._id, line._id, 'pending', 'posting', 'settlement.posting');
    await h.payments.transitionLine(payment._id, line._id, 'posting', 'unknown', 'settlement.unknown', {
      enquiries: 0,
      nextAttemptAt: new Date(Date.now() + 60_000),
    });
    scripted.onStatus(line.reference, async (reference) => ({ reference, status: 'not_found' }));
    const deps = {
      ...enquiry,
      options: { enquiryDelayMs: 60_000, enquiryMaxDelayMs: 600_000, enquiryGiveUpMs: 86_400_000 },
    };
    const since = lineOf(await h.payments.findById(payment._id), 'gas').changedAt.getTime();

    // A complaint or an operator asks a second after: "not found" may be a posting still in flight.
    const early = lineOf(await h.payments.findById(payment._id), 'gas');
    expect(await enquireLine(deps, payment, early, new Date(since + 1_000))).toBe('still_unknown');
    expect(lineOf(await h.payments.findById(payment._id), 'gas')).toMatchObject({ status: 'unknown', enquiries: 1 });

    // Asked once the posting had its time, "not found" is trusted: the line fails and is refunded.
    const later = lineOf(await h.payments.findById(payment._id), 'gas');
    expect(await enquireLine(deps, payment, later, new Date(since + 60_000))).toBe('failed');
    const done = await h.finished(payment._id);
    expect(lineOf(done, 'gas')).toMatchObject({ status: 'refunded', failureCode: 'not_found_after_enquiry' });
    scripted.clear(line.reference);
  });

  it('asks about a line still pending less and less often, and after a day leaves it unknown for reconciliation', async () => {
    const payment = await h.settlingPayment([{ kind: 'gas' }]);
    const line = lineOf(payment, 'gas');
    await h.payments.transitionLine(payment._id, line._id, 'pending', 'posting', 'settlement.posting');
    await h.payments.transitionLine(payment._id, line._id, 'posting', 'unknown', 'settlement.unknown', {
      enquiries: 0,
      nextAttemptAt: new Date(),
    });
    scripted.onStatus(line.reference, async (reference) => ({ reference, status: 'pending' }));
    const options = { enquiryDelayMs: 1_000, enquiryMaxDelayMs: 4_000, enquiryGiveUpMs: 10_000 };
    const deps = { ...enquiry, options };
    const since = lineOf(await h.payments.findById(payment._id), 'gas').changedAt.getTime();

    const waits: number[] = [];
    for (const at of [since + 1, since + 2_000, since + 6_000]) {
      const now = new Date(at);
      const current = lineOf(await h.payments.findById(payment._id), 'gas');
      expect(await enquireLine(deps, payment, current, now)).toBe('still_unknown');
      const next = lineOf(await h.payments.findById(payment._id), 'gas').nextAttemptAt as Date;
      waits.push(next.getTime() - at);
    }
    expect(waits).toEqual([2_000, 4_000, 4_000]);

    const current = lineOf(await h.payments.findById(payment._id), 'gas');
    expect(await enquireLine(deps, payment, current, new Date(since + 10_000))).toBe('given_up');
    const left = (await h.payments.findById(payment._id)) as Payment;
    expect(left.status).toBe('settling');
    expect(lineOf(left, 'gas')).toMatchObject({ status: 'unknown', enquiries: 4 });
    expect(lineOf(left, 'gas').nextAttemptAt).toBeUndefined();
    expect((await enquireUnknownLines(deps, new Date(since + 100_000_000))).lines).toEqual({});
    expect((await h.gateway.client.getOrder(left.gateway.orderId as string)).refundedMinor).toBe(0);
    scripted.clear(line.reference);
  });
});

describe("the citizen's view of an unknown outcome", () => {
  it('says "being confirmed" while a line waits for the biller, and the real status once it is resolved', () => {
    const line = (status: PaymentLine['status']) => ({ status }) as PaymentLine;
    expect(displayStatus({ status: 'settling', lines: [line('settled'), line('unknown')] })).toBe('being_confirmed');
    expect(displayStatus({ status: 'settling', lines: [line('held'), line('settled')] })).toBe('under_review');
    expect(displayStatus({ status: 'settling', lines: [line('posting')] })).toBe('settling');
    expect(displayStatus({ status: 'completed', lines: [line('settled')] })).toBe('completed');
    expect(displayStatus({ status: 'held', lines: [line('pending')] })).toBe('under_review');
    expect(lineDisplayStatus('unknown')).toBe('being_confirmed');
    expect(lineDisplayStatus('refunded')).toBe('refunded');
    // A held payment refunded whole never posted its bills: they show as refunded, not pending.
    expect(lineDisplayStatus('pending', 'refunded')).toBe('refunded');
    expect(lineDisplayStatus('pending', 'settling')).toBe('pending');
  });
});
