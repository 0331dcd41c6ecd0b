import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsReport } from '../../hub/metrics/index.js';
import { callHubApi, startTestHub, type TestHub } from '../hub-api/test-hub.js';
import { ago, DAY, HOUR, insertPayment } from './seed.js';
import { startTestTokens, TEST_RESOURCE, type TestTokens } from './token-issuer.js';

/** The hub's /metrics and the operator API's metrics, on a hub with seeded payments. */
describe("the hub's metrics endpoints", () => {
  let tokens: TestTokens;
  let hub: TestHub;

  beforeAll(async () => {
    tokens = await startTestTokens();
    hub = await startTestHub(tokens.issuer, TEST_RESOURCE, { IDP_JWKS_URL: tokens.jwksUrl });
    const now = new Date();
    await insertPayment(hub.service.mongo, {
      createdAt: ago(now, HOUR),
      status: 'completed',
      method: 'card',
      capturedAfter: 10,
      lines: [{ billerId: 'water-board', amountMinor: 5_000, status: 'settled', settledAfter: 45 }],
    });
    await insertPayment(hub.service.mongo, {
      createdAt: ago(now, 3 * DAY),
      status: 'refunded',
      method: 'card',
      capturedAfter: 10,
      lines: [{ billerId: 'water-board', amountMinor: 5_000, status: 'refunded' }],
    });
  });
  afterAll(async () => {
    await hub?.close();
    await tokens?.close();
  });

  it('/metrics shows the payment gauges computed from the database, with help texts', async () => {
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    expect(text).toContain('# HELP billpay_payment_success_ratio Payment success rate (ratio 0..1)');
    expect(text).toMatch(
      /billpay_payment_success_ratio\{[^}]*window="24h"[^}]*biller="water-board"[^}]*method="card"[^}]*\} 1\n/,
    );
    expect(text).toMatch(
      /billpay_payment_success_ratio\{[^}]*window="7d"[^}]*biller="water-board"[^}]*method="card"[^}]*\} 0\.5\n/,
    );
    expect(text).toContain('# TYPE billpay_capture_to_settled_window_seconds gauge');
  });

  it('gives an operator the numbers of the window asked for', async () => {
    const token = await tokens.operator('op-asha');
    const week = await callHubApi(hub, '/operator/metrics?window=7d', token);
    expect(week.status).toBe(200);
    const report = (await week.json()) as MetricsReport;
    expect(report.window).toBe('7d');
    expect(report.payments.totals).toMatchObject({ lines: 2, successRate: 0.5, refundRate: 0.5 });
    expect(report.payments.byBillerAndMethod).toEqual([
      expect.objectContaining({ billerId: 'water-board', method: 'card', lines: 2 }),
    ]);
    const day = (await (await callHubApi(hub, '/operator/metrics', token)).json()) as MetricsReport;
    expect(day).toMatchObject({ window: '24h', payments: { totals: { lines: 1, successRate: 1 } } });
    expect(day.payments.totals.captureToSettled).toMatchObject({ count: 1, p50Seconds: 45 });
  });

  it('refuses a window it does not know, and a citizen asking for the operator numbers', async () => {
    const operator = await tokens.operator('op-asha');
    expect((await callHubApi(hub, '/operator/metrics?window=1y', operator)).status).toBe(400);
    const citizen = await callHubApi(hub, '/operator/metrics', await tokens.citizen('meera'));
    expect(citizen.status).toBe(403);
    expect(await citizen.json()).toMatchObject({ code: 'wrong_token_kind' });
  });
});
