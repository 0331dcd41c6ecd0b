import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MetricsReport, metricsFor } from '../../hub/metrics/index.js';
import type { Browser } from '../idp/support/browser.js';
import {
  type ConsoleStack,
  type StubAnswer,
  type StubCall,
  startSignedInConsole,
} from '../operator-console/support/console-stack.js';
import { isolatedMongo } from '../support/isolation.js';
import { ago, HOUR, insertPayment } from './seed.js';

const h1 = (html: string) => html.match(/<h1[^>]*>([^<]*)<\/h1>/)?.[1]?.trim() ?? '';
const cell = (html: string, testid: string) =>
  html.match(new RegExp(`data-testid="${testid}">([^<]*)<`))?.[1]?.trim() ?? '';

/** The console's Metrics page, signed in at a real idp, over a stubbed hub answering a real report. */
describe("the operator console's metrics page", () => {
  let stack: ConsoleStack;
  let report: MetricsReport;
  let browser: Browser;

  const answer = (call: StubCall): StubAnswer =>
    call.method === 'GET' && call.path.startsWith('/operator/metrics')
      ? { status: 200, json: report }
      : { status: 404, json: { code: 'not_found', detail: 'no such route in the stub' } };

  beforeAll(async () => {
    // A real report: the hub's own computation over seeded payments.
    const { conn, drop } = await isolatedMongo('metrics_console');
    const now = new Date();
    await insertPayment(conn, {
      createdAt: ago(now, HOUR),
      status: 'partially_refunded',
      method: 'upi',
      capturedAfter: 10,
      lines: [
        { billerId: 'state-electricity', amountMinor: 1_000, status: 'settled', settledAfter: 90 },
        { billerId: 'city-water', amountMinor: 2_000, status: 'refunded' },
      ],
    });
    report = await metricsFor(conn, '7d', now);
    await drop();
    ({ stack, operator: browser } = await startSignedInConsole(answer));
  });
  afterAll(() => stack?.close());

  it('shows the numbers of the chosen window in plain tables by biller and method, asking the hub for that window', async () => {
    const page = await browser.go(`${stack.consoleUrl}/metrics?window=7d`);
    expect(page.status).toBe(200);
    expect(h1(page.html)).toBe('Metrics');
    expect(stack.hub.calls.at(-1)?.path).toBe('/operator/metrics?window=7d');
    // One settled, one refunded: 50% success and refund; no line went unknown.
    expect(cell(page.html, 'success-rate')).toBe('50.0%');
    expect(cell(page.html, 'refund-rate')).toBe('50.0%');
    expect(page.html).toContain('<strong aria-current="page">Last 7 days</strong>');
    expect(page.html).toContain('href="/metrics?window=24h"');
    expect(page.html).toMatch(/<th scope="row" class="govuk-table__header">state-electricity, upi<\/th>/);
    expect(page.html).toContain('1.5 min');
    expect(cell(page.html, 'payment-satisfaction')).toBe('No scores (0 scores)');
    expect(page.html).toContain('The hub records no chargebacks');
    // No script on the page: it works without JavaScript.
    expect(page.html).not.toMatch(/<script/i);
  });

  it('shows the last 24 hours without a window, and refuses a window it does not know', async () => {
    const page = await browser.go(`${stack.consoleUrl}/metrics`);
    expect(page.status).toBe(200);
    expect(stack.hub.calls.at(-1)?.path).toBe('/operator/metrics?window=24h');
    const calls = stack.hub.calls.length;
    const bad = await browser.go(`${stack.consoleUrl}/metrics?window=1y`);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('Choose the last 24 hours, 7 days or 30 days.');
    expect(stack.hub.calls).toHaveLength(calls);
  });

  it("serves Prometheus' text at /prometheus, since /metrics is this page", async () => {
    const res = await fetch(`${stack.consoleUrl}/prometheus`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('process_cpu_user_seconds_total{service="operator-console"}');
  });
});
