import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMetrics, HUB_GAUGES, registerHubMetrics } from '../../hub/metrics/index.js';
import type { Connection } from '../../infra/mongo.js';
import { isolatedMongo } from '../support/isolation.js';
import { ago, HOUR, insertComplaint, insertDeliveries, insertPayment } from './seed.js';

/** The value of one series in Prometheus text, by its exact label set; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter((p) => !p.startsWith('service='));
    if (have.sort().join(',') === wanted.join(',')) return Number(m[3]);
  }
  return undefined;
}

describe('the hub payment gauges on /metrics', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  const now = new Date();

  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('metrics_gauges'));
    await insertPayment(conn, {
      createdAt: ago(now, HOUR),
      status: 'partially_refunded',
      method: 'upi',
      capturedAfter: 10,
      lines: [
        { billerId: 'state-electricity', amountMinor: 1_000, status: 'settled', settledAfter: 20 },
        { billerId: 'state-electricity', amountMinor: 2_000, status: 'refunded' },
      ],
    });
    await insertPayment(conn, {
      createdAt: ago(now, 2 * HOUR),
      status: 'settling',
      method: 'card',
      capturedAfter: 10,
      lines: [
        { billerId: 'metro-gas', amountMinor: 1_500, status: 'unknown', unknownAfter: 5, changedAt: ago(now, HOUR) },
      ],
    });
    await insertComplaint(conn, { type: 'paid_twice', status: 'open', createdAt: ago(now, HOUR), dueAt: ago(now, 1) });
    await insertDeliveries(conn, [
      { kind: 'payment_confirmed', channel: 'email', status: 'sent', finishedAt: ago(now, HOUR) },
      { kind: 'payment_confirmed', channel: 'email', status: 'superseded', finishedAt: ago(now, HOUR) },
    ]);
  });
  afterAll(() => drop());

  it('exposes the numbers of the database as billpay_ gauges with window, biller and method labels', async () => {
    const registry = new Registry();
    registerHubMetrics(registry, conn, { cacheMs: 60_000 });
    const text = await registry.metrics();
    const upi = { window: '24h', biller: 'state-electricity', method: 'upi' };
    expect(sample(text, 'billpay_payment_success_ratio', upi)).toBe(0.5);
    expect(sample(text, 'billpay_payment_refund_ratio', upi)).toBe(0.5);
    expect(sample(text, 'billpay_payment_lines', { ...upi, outcome: 'settled' })).toBe(1);
    expect(sample(text, 'billpay_payment_lines', { ...upi, outcome: 'refund_pending' })).toBe(0);
    expect(sample(text, 'billpay_capture_to_settled_window_seconds', { ...upi, quantile: '0.5' })).toBe(20);
    expect(
      sample(text, 'billpay_payment_unknown_outcome_ratio', { window: '7d', biller: 'metro-gas', method: 'card' }),
    ).toBe(1);
    // An unknown line still waiting has no decided outcome: no success rate rather than 0.
    expect(
      sample(text, 'billpay_payment_success_ratio', { window: '24h', biller: 'metro-gas', method: 'card' }),
    ).toBeUndefined();
    expect(sample(text, 'billpay_unknown_lines_open', { biller: 'metro-gas' })).toBe(1);
    expect(sample(text, 'billpay_unknown_oldest_age_seconds', { biller: 'metro-gas' })).toBeGreaterThanOrEqual(3_600);
    expect(sample(text, 'billpay_complaints_raised', { window: '30d', type: 'paid_twice' })).toBe(1);
    expect(sample(text, 'billpay_complaints', { window: '24h', state: 'overdue_open' })).toBe(1);
    expect(sample(text, 'billpay_complaints_within_turnaround_ratio', { window: '24h' })).toBe(0);
    expect(sample(text, 'billpay_receipt_delivery_success_ratio', { window: '24h', channel: 'all' })).toBe(1);
    expect(
      sample(text, 'billpay_notification_deliveries', {
        window: '24h',
        channel: 'email',
        kind: 'payment_confirmed',
        status: 'superseded',
      }),
    ).toBe(1);
    expect(sample(text, 'billpay_satisfaction_responses', { window: '24h', source: 'payment' })).toBe(0);
    // Every gauge is documented with its unit.
    for (const spec of HUB_GAUGES) {
      expect(text).toContain(`# HELP ${spec.name} `);
      expect(spec.help).toMatch(
        /\((count|ratio 0\.\.1|seconds|1\.\.5|Unix time, seconds)|seconds\)|\(1\.\.5\)|count\)|ratio 0\.\.1\)/,
      );
    }
  });

  it('computes from MongoDB once for many scrapes within the cache time, and again after it', async () => {
    let computations = 0;
    let clock = 1_000_000;
    const registry = new Registry();
    registerHubMetrics(registry, conn, {
      cacheMs: 10_000,
      clock: () => clock,
      compute: async () => {
        computations += 1;
        return computeMetrics(conn);
      },
    });
    // Twenty-odd gauges, five scrapes, two of them at once: one computation.
    await Promise.all([registry.metrics(), registry.metrics()]);
    await registry.metrics();
    clock += 9_999;
    await registry.metrics();
    expect(computations).toBe(1);
    clock += 1;
    const text = await registry.metrics();
    expect(computations).toBe(2);
    expect(text).toContain('billpay_payment_success_ratio{');
  });

  it('leaves the gauges empty and counts the error when the computation fails, without failing the scrape', async () => {
    const registry = new Registry();
    registerHubMetrics(registry, conn, {
      cacheMs: 10_000,
      compute: async () => {
        throw new Error('database away');
      },
    });
    const text = await registry.metrics();
    expect(text).not.toContain('billpay_payment_success_ratio{');
    expect(text).toMatch(/billpay_metrics_compute_errors_total 1\b/);
  });
});
