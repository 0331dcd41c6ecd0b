import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillerRegistry } from '../../adapters/registry/index.js';
import { Ledger } from '../../hub/ledger/index.js';
import { captureToSettledHistogram } from '../../hub/metrics/index.js';
import { type Payment, PaymentStore } from '../../hub/payments/index.js';
import type { LineDeps } from '../../hub/settlement/deps.js';
import { enquireLine } from '../../hub/settlement/enquiry.js';
import { settlementOptions } from '../../hub/settlement/options.js';
import { postLine, startPosting } from '../../hub/settlement/post-line.js';
import type { SettlementQueue } from '../../hub/settlement/queue.js';
import { createLogger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import { lineOf, newLine, settlingPayment } from '../hub-payments/fixtures.js';
import { isolatedMongo } from '../support/isolation.js';

/** A biller that accepts every posting and confirms every status enquiry. */
const accepting = {
  get: () => ({
    operations: {
      postPayment: async () => ({ status: 'accepted', billerReference: 'EB-1' }),
      paymentStatus: async () => ({ status: 'accepted', billerReference: 'EB-1' }),
    },
  }),
} as unknown as BillerRegistry;

/** The histogram's count for a biller and method, from the registry's JSON. */
async function observed(registry: Registry, biller: string, method: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'billpay_capture_to_settled_seconds');
  const values = (metric?.values ?? []) as { metricName?: string; labels: Record<string, string>; value: number }[];
  const count = values.find(
    (v) =>
      v.metricName === 'billpay_capture_to_settled_seconds_count' &&
      v.labels.biller === biller &&
      v.labels.method === method,
  );
  return count?.value ?? 0;
}

describe("the worker's capture-to-settled histogram (the onLineSettled hook)", () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let payments: PaymentStore;
  let deps: LineDeps;
  let registry: Registry;

  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('metrics_histogram'));
    payments = new PaymentStore(conn);
    const ledger = new Ledger(conn);
    await Promise.all([payments.init(), ledger.init()]);
    const settled = captureToSettledHistogram();
    registry = new Registry();
    registry.registerMetric(settled.histogram);
    deps = {
      payments,
      ledger,
      billers: accepting,
      gateway: { refund: async () => ({ status: 'succeeded' }) } as unknown as LineDeps['gateway'],
      log: createLogger('test', 'silent'),
      onLineSettled: settled.observe,
      options: settlementOptions({}),
    };
  });
  afterAll(() => drop());

  it('observes a line once when its posting settles it, and not again when a duplicate run finds it settled', async () => {
    const payment = await settlingPayment(payments, { lines: [newLine({ billerId: 'state-electricity' })] });
    const line = lineOf(payment, 0);
    const posting = (await startPosting(deps, payment, line)) as Payment;
    const run = { paymentId: payment._id, lineId: line._id, polls: 0, lastAttempt: false };
    const settled = await postLine(deps, posting, lineOf(posting, 0), run);
    expect(lineOf(settled as Payment, 0).status).toBe('settled');
    expect(await observed(registry, 'state-electricity', 'upi')).toBe(1);
    // A duplicate job that still saw the line posting: its transition loses, and nothing is observed.
    expect(await postLine(deps, posting, lineOf(posting, 0), run)).toBeNull();
    expect(await observed(registry, 'state-electricity', 'upi')).toBe(1);
  });

  it('observes a line a status enquiry settles', async () => {
    const payment = await settlingPayment(payments, { lines: [newLine({ billerId: 'metro-gas' })] });
    const line = lineOf(payment, 0);
    await payments.transitionLine(payment._id, line._id, 'pending', 'posting', 'settlement.posting');
    const unknown = (await payments.transitionLine(payment._id, line._id, 'posting', 'unknown', 'settlement.unknown', {
      enquiries: 0,
    })) as Payment;
    const queue = { getJob: async () => undefined, add: async () => undefined } as unknown as SettlementQueue;
    const outcome = await enquireLine(
      { payments, billers: accepting, queue, log: deps.log, options: deps.options, onLineSettled: deps.onLineSettled },
      unknown,
      lineOf(unknown, 0),
    );
    expect(outcome).toBe('settled');
    expect(await observed(registry, 'metro-gas', 'upi')).toBe(1);
  });
});
