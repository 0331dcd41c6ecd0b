import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedbackStore } from '../../hub/feedback/index.js';
import type { MetricsReport, PaymentGroupMetrics } from '../../hub/metrics/index.js';
import { computeMetrics } from '../../hub/metrics/index.js';
import { PaymentStore } from '../../hub/payments/index.js';
import type { Connection } from '../../infra/mongo.js';
import { isolatedMongo } from '../support/isolation.js';
import { ago, DAY, HOUR, insertComplaint, insertDeliveries, insertPayment, MINUTE } from './seed.js';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const E = 'state-electricity';
const W = 'city-water';
const G = 'metro-gas';

/**
 * Payments, lines, complaints, messages and feedback seeded at known times, and every number the
 * metrics give for them worked out by hand (the comments say how).
 */
describe('payment metrics from seeded records', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let reports: Map<string, MetricsReport>;
  const group = (window: string, billerId: string, method: string): PaymentGroupMetrics => {
    const found = reports
      .get(window)
      ?.payments.byBillerAndMethod.find((g) => g.billerId === billerId && g.method === method);
    if (!found) throw new Error(`no group ${window} ${billerId} ${method}`);
    return found;
  };
  const report = (window: string): MetricsReport => {
    const found = reports.get(window);
    if (!found) throw new Error(`no report ${window}`);
    return found;
  };

  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('metrics_numbers'));
    const payments = new PaymentStore(conn);
    await payments.init();
    // In the last 24 hours.
    const p1 = await insertPayment(conn, {
      createdAt: ago(NOW, HOUR),
      status: 'completed',
      method: 'upi',
      capturedAfter: 60,
      citizenSub: 'meera',
      lines: [
        { billerId: E, amountMinor: 10_000, status: 'settled', settledAfter: 30 },
        { billerId: W, amountMinor: 5_000, status: 'settled', settledAfter: 90 },
      ],
    });
    const p2 = await insertPayment(conn, {
      createdAt: ago(NOW, 2 * HOUR),
      status: 'partially_refunded',
      method: 'card',
      capturedAfter: 30,
      citizenSub: 'meera',
      lines: [
        { billerId: E, amountMinor: 20_000, status: 'settled', unknownAfter: 100, settledAfter: 600 },
        { billerId: G, amountMinor: 7_000, status: 'refunded' },
      ],
    });
    await insertPayment(conn, {
      createdAt: ago(NOW, 3 * HOUR),
      status: 'failed',
      lines: [{ billerId: E, amountMinor: 3_000, status: 'pending' }],
    });
    await insertPayment(conn, {
      createdAt: ago(NOW, 4 * HOUR),
      status: 'expired',
      lines: [{ billerId: W, amountMinor: 1_000, status: 'pending' }],
    });
    await insertPayment(conn, {
      createdAt: ago(NOW, 5 * HOUR),
      status: 'settling',
      method: 'upi',
      capturedAfter: 10,
      lines: [
        { billerId: E, amountMinor: 4_000, status: 'unknown', unknownAfter: 20, changedAt: ago(NOW, 2 * HOUR) },
        { billerId: G, amountMinor: 6_000, status: 'posting' },
      ],
    });
    await insertPayment(conn, {
      createdAt: ago(NOW, 6 * HOUR),
      status: 'held',
      method: 'upi',
      capturedAfter: 10,
      lines: [{ billerId: G, amountMinor: 3_000, status: 'pending' }],
    });
    await insertPayment(conn, {
      createdAt: ago(NOW, 7 * HOUR),
      status: 'settling',
      method: 'card',
      capturedAfter: 10,
      lines: [{ billerId: W, amountMinor: 2_500, status: 'refunding' }],
    });
    await insertPayment(conn, {
      createdAt: ago(NOW, HOUR),
      status: 'cancelled',
      lines: [{ billerId: E, amountMinor: 1_000, status: 'pending' }],
    });
    await insertPayment(conn, {
      createdAt: ago(NOW, 30 * MINUTE),
      status: 'awaiting_payment',
      lines: [{ billerId: W, amountMinor: 1_000, status: 'pending' }],
    });
    // In the last 7 days (not 24 hours).
    const p6 = await insertPayment(conn, {
      createdAt: ago(NOW, 2 * DAY),
      status: 'completed',
      method: 'upi',
      capturedAfter: 5,
      citizenSub: 'arjun',
      lines: [{ billerId: E, amountMinor: 8_000, status: 'settled', settledAfter: 10 }],
    });
    // In the last 30 days (not 7).
    await insertPayment(conn, {
      createdAt: ago(NOW, 10 * DAY),
      status: 'refunded',
      method: 'card',
      capturedAfter: 5,
      lines: [{ billerId: W, amountMinor: 2_000, status: 'refunded' }],
    });
    // Older than every window; the second still has an open unknown line, 35 days old.
    await insertPayment(conn, {
      createdAt: ago(NOW, 40 * DAY),
      status: 'completed',
      method: 'upi',
      capturedAfter: 5,
      lines: [{ billerId: E, amountMinor: 9_000, status: 'settled', settledAfter: 5 }],
    });
    await insertPayment(conn, {
      createdAt: ago(NOW, 35 * DAY),
      status: 'settling',
      method: 'upi',
      capturedAfter: 5,
      lines: [{ billerId: E, amountMinor: 9_500, status: 'unknown', unknownAfter: 5, changedAt: ago(NOW, 35 * DAY) }],
    });

    // Complaints (collection complaints, as hub/complaints stores them).
    await insertComplaint(conn, {
      type: 'paid_twice',
      status: 'resolved',
      createdAt: ago(NOW, 3 * HOUR),
      closedAt: ago(NOW, HOUR),
      dueAt: new Date(NOW.getTime() + 2 * DAY),
      rating: { score: 4, at: ago(NOW, 30 * MINUTE) },
    });
    await insertComplaint(conn, {
      type: 'paid_twice',
      status: 'rejected',
      createdAt: ago(NOW, 5 * HOUR),
      closedAt: ago(NOW, HOUR),
      dueAt: ago(NOW, 2 * HOUR),
    });
    await insertComplaint(conn, {
      type: 'wrong_amount',
      status: 'open',
      createdAt: ago(NOW, 20 * HOUR),
      dueAt: ago(NOW, HOUR),
    });
    await insertComplaint(conn, {
      type: 'amount_deducted_not_credited',
      status: 'assigned',
      createdAt: ago(NOW, 10 * HOUR),
      dueAt: new Date(NOW.getTime() + DAY),
    });
    await insertComplaint(conn, { type: 'not-a-type', status: 'escalated', createdAt: ago(NOW, 2 * HOUR) });
    await insertComplaint(conn, {
      type: 'refund_not_received',
      status: 'resolved',
      createdAt: ago(NOW, 3 * DAY),
      closedAt: ago(NOW, 2 * DAY),
      dueAt: ago(NOW, DAY),
      rating: { score: 2, at: ago(NOW, 2 * DAY) },
    });

    // Messages (collection notification_deliveries).
    await insertDeliveries(conn, [
      { kind: 'payment_confirmed', channel: 'email', status: 'sent', finishedAt: ago(NOW, HOUR) },
      { kind: 'payment_confirmed', channel: 'sms', status: 'sent', finishedAt: ago(NOW, 2 * HOUR) },
      { kind: 'payment_confirmed', channel: 'sms', status: 'failed', finishedAt: ago(NOW, 3 * HOUR) },
      { kind: 'payment_confirmed', channel: 'email', status: 'superseded', finishedAt: ago(NOW, HOUR) },
      { kind: 'refund_started', channel: 'sms', status: 'sent', finishedAt: ago(NOW, 4 * HOUR) },
      { kind: 'refund_started', channel: 'sms', status: 'failed', finishedAt: ago(NOW, 2 * DAY) },
      { kind: 'payment_unknown', channel: 'email', status: 'queued' },
    ]);

    // Post-payment feedback, given through the store at known times.
    const at = (when: Date) => new FeedbackStore(conn, payments, () => when);
    await at(ago(NOW, 30 * MINUTE)).give(p1.id, 'meera', { score: 5 });
    await at(ago(NOW, 20 * MINUTE)).give(p2.id, 'meera', { score: 2, comment: 'the gas refund took long' });
    await at(ago(NOW, 3 * DAY)).give(p6.id, 'arjun', { score: 4 });

    reports = (await computeMetrics(conn, { now: NOW })) as Map<string, MetricsReport>;
  });
  afterAll(() => drop());

  it('counts every line of the last 24 hours in exactly one outcome', () => {
    const totals = report('24h').payments.totals;
    expect(totals.lines).toBe(12);
    expect(totals.outcomes).toEqual({
      settled: 3,
      refunded: 1,
      refundPending: 1,
      unknown: 1,
      inFlight: 1,
      declined: 1,
      held: 1,
      abandoned: 1,
      cancelled: 1,
      open: 1,
    });
  });

  it('gives the success, refund and unknown-outcome rates of the last 24 hours', () => {
    const totals = report('24h').payments.totals;
    // Decided: 3 settled + 1 refunded + 1 refund pending + 1 declined + 1 held = 7.
    expect(totals.successRate).toBeCloseTo(3 / 7, 12);
    // Captured lines: 2 + 2 (P1, P2) + 2 (settling) + 1 (held) + 1 (refunding) = 8.
    expect(totals.captured).toBe(8);
    expect(totals.refundRate).toBeCloseTo(2 / 8, 12);
    // Went unknown: the card electricity line (since settled) and the upi one still unknown.
    expect(totals.wentUnknown).toBe(2);
    expect(totals.unknownRate).toBeCloseTo(2 / 8, 12);
    expect([totals.capturedMinor, totals.settledMinor, totals.refundedMinor]).toEqual([57_500, 35_000, 7_000]);
  });

  it('labels the numbers by biller and method, with none for a payment the gateway never named a method for', () => {
    const labels = report('24h').payments.byBillerAndMethod.map((g) => `${g.billerId}/${g.method}`);
    // Sorted by biller id (city-water, metro-gas, state-electricity), then method.
    expect(labels).toEqual([
      `${W}/card`,
      `${W}/none`,
      `${W}/upi`,
      `${G}/card`,
      `${G}/upi`,
      `${E}/card`,
      `${E}/none`,
      `${E}/upi`,
    ]);
    expect(group('24h', E, 'upi')).toMatchObject({
      lines: 2,
      captured: 2,
      successRate: 1,
      refundRate: 0,
      unknownRate: 0.5,
    });
    expect(group('24h', E, 'card')).toMatchObject({ successRate: 1, unknownRate: 1 });
    expect(group('24h', G, 'card')).toMatchObject({ successRate: 0, refundRate: 1 });
    expect(group('24h', W, 'card')).toMatchObject({
      successRate: 0,
      refundRate: 1,
      outcomes: expect.objectContaining({ refundPending: 1 }),
    });
    // A declined checkout is a failure; a superseded one was never attempted, and has nothing captured.
    expect(group('24h', E, 'none')).toMatchObject({
      lines: 2,
      successRate: 0,
      captured: 0,
      refundRate: null,
      unknownRate: null,
    });
    // An abandoned and an open checkout: nothing decided, so no rate rather than 0 %.
    expect(group('24h', W, 'none')).toMatchObject({ lines: 2, successRate: null });
    // In flight and held: the held payment is decided against, the posting line is not decided yet.
    expect(group('24h', G, 'upi')).toMatchObject({ lines: 2, successRate: 0, captured: 2 });
  });

  it('measures capture to settled from the timeline, with nearest-rank quantiles and cumulative buckets', () => {
    const d = report('24h').payments.totals.captureToSettled;
    // Settled 30 s, 90 s and 600 s after their captures.
    expect(d).toMatchObject({
      count: 3,
      meanSeconds: 240,
      p50Seconds: 90,
      p90Seconds: 600,
      p99Seconds: 600,
      maxSeconds: 600,
    });
    const at = (le: number | string) => d.buckets.find((b) => b.le === le)?.count;
    expect([at(10), at(30), at(60), at(120), at(300), at(600), at('+Inf')]).toEqual([0, 1, 1, 2, 2, 3, 3]);
    expect(group('24h', W, 'upi').captureToSettled.p50Seconds).toBe(90);
  });

  it('widens to 7 and 30 days with the payments made in them', () => {
    const week = report('7d').payments.totals;
    expect(week.lines).toBe(13);
    expect(week.successRate).toBeCloseTo(4 / 8, 12);
    expect(week.refundRate).toBeCloseTo(2 / 9, 12);
    expect(group('7d', E, 'upi')).toMatchObject({ lines: 3, successRate: 1 });
    expect(group('7d', E, 'upi').unknownRate).toBeCloseTo(1 / 3, 12);
    const month = report('30d').payments.totals;
    expect(month.lines).toBe(14);
    expect(month.successRate).toBeCloseTo(4 / 9, 12);
    expect(month.refundRate).toBeCloseTo(3 / 10, 12);
    expect(group('30d', W, 'card')).toMatchObject({ lines: 2, successRate: 0, refundRate: 1 });
  });

  it('ages the open unknown lines whenever their payment was made', () => {
    const unknowns = report('24h').openUnknowns;
    // One unknown for 2 hours, one for 35 days.
    expect(unknowns.byBiller).toEqual([
      { billerId: E, count: 2, oldestAgeSeconds: 35 * 86_400, averageAgeSeconds: (7_200 + 35 * 86_400) / 2 },
    ]);
    expect(unknowns.totals).toMatchObject({ billerId: '*', count: 2, oldestAgeSeconds: 35 * 86_400 });
    expect(report('30d').openUnknowns).toEqual(unknowns);
  });

  it('counts complaints by type, their time to resolve and the share resolved within turnaround', () => {
    const c = report('24h').complaints;
    expect(c.raised).toBe(5);
    expect(c.byType).toEqual({
      amount_deducted_not_credited: 1,
      paid_twice: 2,
      wrong_amount: 1,
      refund_not_received: 0,
      receipt_not_received: 0,
      other: 1,
    });
    // Overdue: the open one past its due time, and the escalated one (escalation means its first promise passed).
    expect(c).toMatchObject({ closed: 2, resolved: 1, rejected: 1, open: 3, overdueOpen: 2 });
    // Closed after 2 h and 4 h.
    expect(c.timeToResolve).toMatchObject({ count: 2, meanSeconds: 10_800, p50Seconds: 7_200, maxSeconds: 14_400 });
    // Decided: one closed in time, one closed late, one open past its due time, one escalated; the one not yet due is not counted.
    expect(c).toMatchObject({ turnaroundDecided: 4, withinTurnaround: 1 });
    expect(c.withinTurnaroundRate).toBeCloseTo(1 / 4, 12);
    const week = report('7d').complaints;
    expect(week).toMatchObject({
      raised: 6,
      closed: 3,
      turnaroundDecided: 5,
      withinTurnaround: 2,
      withinTurnaroundRate: 0.4,
    });
  });

  it('rates receipt and message delivery on sent and failed only, leaving superseded out', () => {
    const d = report('24h').deliveries;
    expect(d.totals).toMatchObject({ sent: 3, failed: 1, superseded: 1, successRate: 0.75 });
    expect(d.receipts).toMatchObject({ kind: 'payment_confirmed', sent: 2, failed: 1, superseded: 1 });
    expect(d.receipts.successRate).toBeCloseTo(2 / 3, 12);
    expect(d.receiptsByChannel).toEqual([
      { channel: 'email', kind: 'payment_confirmed', sent: 1, failed: 0, superseded: 1, successRate: 1 },
      { channel: 'sms', kind: 'payment_confirmed', sent: 1, failed: 1, superseded: 0, successRate: 0.5 },
    ]);
    expect(d.byChannelAndKind.map((g) => `${g.channel}/${g.kind}`)).toEqual([
      'email/payment_confirmed',
      'sms/payment_confirmed',
      'sms/refund_started',
    ]);
    expect(d.queuedNow).toBe(1);
    expect(report('7d').deliveries.totals).toMatchObject({ sent: 3, failed: 2, successRate: 0.6 });
  });

  it('reports post-payment satisfaction by biller and method, and complaint ratings apart', () => {
    const s = report('24h').satisfaction;
    expect(s.payments).toEqual({ count: 2, average: 3.5, byScore: { 1: 0, 2: 1, 3: 0, 4: 0, 5: 1 } });
    // A payment of two billers counts its score for each.
    expect(s.paymentsByBillerAndMethod.map((g) => [g.billerId, g.method, g.average])).toEqual([
      [W, 'upi', 5],
      [G, 'card', 2],
      [E, 'card', 2],
      [E, 'upi', 5],
    ]);
    expect(s.complaints).toMatchObject({ count: 1, average: 4 });
    const week = report('7d').satisfaction;
    expect(week.payments.count).toBe(3);
    expect(week.payments.average).toBeCloseTo(11 / 3, 12);
    expect(week.paymentsByBillerAndMethod.find((g) => g.billerId === E && g.method === 'upi')?.average).toBe(4.5);
    expect(week.complaints).toMatchObject({ count: 2, average: 3 });
  });

  it('says that chargebacks are not tracked rather than inventing a rate', () => {
    expect(report('24h').chargebacks).toMatchObject({ tracked: false });
  });
});
