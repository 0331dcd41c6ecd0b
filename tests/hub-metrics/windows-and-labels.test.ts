import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillerLabels, computeMetrics, methodLabel, metricsFor } from '../../hub/metrics/index.js';
import type { Connection } from '../../infra/mongo.js';
import { isolatedMongo } from '../support/isolation.js';
import { ago, DAY, HOUR, insertComplaint, insertDeliveries, insertPayment } from './seed.js';

const NOW = new Date('2026-11-30T12:00:00.000Z');

describe('metric windows', () => {
  let conn: Connection;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('metrics_windows'));
  });
  afterAll(() => drop());

  it('with nothing recorded gives zero counts and no rates, and reads a missing complaints collection as empty', async () => {
    const report = await metricsFor(conn, '30d', NOW);
    expect(report.payments.totals).toMatchObject({ lines: 0, successRate: null, refundRate: null, unknownRate: null });
    expect(report.payments.byBillerAndMethod).toEqual([]);
    expect(report.complaints).toMatchObject({ raised: 0, withinTurnaroundRate: null });
    expect(report.deliveries.totals.successRate).toBeNull();
    expect(report.satisfaction.payments).toMatchObject({ count: 0, average: null });
    expect(report.openUnknowns.totals).toMatchObject({ count: 0, oldestAgeSeconds: null });
  });

  it('holds a record made exactly 24 hours before now, not one a millisecond older, nor one made at now', async () => {
    const line = { billerId: 'city-water', amountMinor: 1_000, status: 'settled' as const, settledAfter: 1 };
    await insertPayment(conn, {
      createdAt: ago(NOW, DAY),
      status: 'completed',
      method: 'upi',
      capturedAfter: 1,
      lines: [line],
    });
    await insertPayment(conn, {
      createdAt: ago(NOW, DAY + 1),
      status: 'completed',
      method: 'card',
      capturedAfter: 1,
      lines: [line],
    });
    await insertPayment(conn, {
      createdAt: NOW,
      status: 'completed',
      method: 'wallet',
      capturedAfter: 1,
      lines: [line],
    });
    await insertComplaint(conn, { type: 'paid_twice', status: 'open', createdAt: ago(NOW, DAY) });
    await insertComplaint(conn, { type: 'wrong_amount', status: 'open', createdAt: ago(NOW, DAY + 1) });
    await insertDeliveries(conn, [
      { kind: 'payment_confirmed', channel: 'sms', status: 'sent', finishedAt: ago(NOW, DAY) },
      { kind: 'payment_confirmed', channel: 'sms', status: 'failed', finishedAt: ago(NOW, DAY + 1) },
    ]);

    const reports = await computeMetrics(conn, { now: NOW });
    const day = reports.get('24h');
    expect(day?.from).toBe('2026-11-29T12:00:00.000Z');
    expect(day?.to).toBe('2026-11-30T12:00:00.000Z');
    expect(day?.payments.byBillerAndMethod.map((g) => g.method)).toEqual(['upi']);
    expect(day?.complaints.byType).toMatchObject({ paid_twice: 1, wrong_amount: 0 });
    expect(day?.deliveries.totals).toMatchObject({ sent: 1, failed: 0 });
    // The 7-day window holds the older ones.
    expect(reports.get('7d')?.payments.byBillerAndMethod.map((g) => g.method)).toEqual(['card', 'upi']);
    expect(reports.get('7d')?.deliveries.totals).toMatchObject({ sent: 1, failed: 1 });
  });

  it('computes one window alone the same as with the others', async () => {
    await insertPayment(conn, {
      createdAt: ago(NOW, 3 * HOUR),
      status: 'refunded',
      method: 'netbanking',
      capturedAfter: 1,
      lines: [{ billerId: 'metro-gas', amountMinor: 700, status: 'refunded' }],
    });
    const alone = await metricsFor(conn, '24h', NOW);
    const together = (await computeMetrics(conn, { now: NOW })).get('24h');
    expect(alone).toEqual(together);
  });
});

describe('metric labels', () => {
  it('keep a payment method to the gateway four, none or other', () => {
    expect(['upi', 'card', 'netbanking', 'wallet'].map(methodLabel)).toEqual(['upi', 'card', 'netbanking', 'wallet']);
    expect([undefined, null, ''].map(methodLabel)).toEqual(['none', 'none', 'none']);
    expect(methodLabel('crypto-of-the-week')).toBe('other');
  });

  it('keep biller ids up to the cap, and call the rest and malformed ids other', () => {
    const labels = new BillerLabels(3);
    expect(['a-1', 'b-2', 'c-3', 'a-1'].map((id) => labels.of(id))).toEqual(['a-1', 'b-2', 'c-3', 'a-1']);
    expect(labels.of('d-4')).toBe('other');
    expect(new BillerLabels().of('bad id with spaces {}')).toBe('other');
  });
});
