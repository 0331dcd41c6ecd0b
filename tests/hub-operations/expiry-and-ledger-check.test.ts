import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expireUnpaid } from '../../hub/checkout/expire-unpaid.js';
import { Ledger } from '../../hub/ledger/index.js';
import { PaymentStore } from '../../hub/payments/index.js';
import { createLogger } from '../../infra/logger.js';
import type { Connection } from '../../infra/mongo.js';
import { capturedPayment, newPayment } from '../hub-payments/fixtures.js';
import { isolatedMongo } from '../support/isolation.js';

describe('operator tasks', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let payments: PaymentStore;
  let ledger: Ledger;

  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('operations'));
    payments = new PaymentStore(conn);
    ledger = new Ledger(conn);
    await Promise.all([payments.init(), ledger.init()]);
  });
  afterAll(() => drop());

  it('expires checkouts nobody paid in time, and only those', async () => {
    const stale = (await payments.create(newPayment({ ttlMs: 1 }))).payment;
    const fresh = (await payments.create(newPayment())).payment;
    await new Promise((r) => setTimeout(r, 20));
    // Neither payment has a gateway order, so the gateway is never asked.
    const unused = () => Promise.reject(new Error('no order to ask about'));
    const report = await expireUnpaid({
      payments,
      gateway: { getOrder: unused, cancelOrder: unused },
      capture: { apply: unused },
      log: createLogger('test', 'silent'),
    });
    expect(report.expired).toBeGreaterThanOrEqual(1);
    expect((await payments.findById(stale._id))?.status).toBe('expired');
    expect((await payments.findById(fresh._id))?.status).toBe('created');
  });

  it('proves the ledger with npm run ledger:check, and fails on a broken one', async () => {
    const run = () =>
      spawnSync(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, '../../scripts/ledger-check.ts')], {
        env: { PATH: process.env.PATH, MONGODB_URI: inject('mongoUri'), HUB_MONGODB_DB: conn.name },
        encoding: 'utf8',
        timeout: 30_000,
      });
    const payment = await capturedPayment(payments);
    await ledger.recordCapture(payment);
    const ok = run();
    expect(ok.stdout).toContain('ledger OK');
    expect(ok.stdout).toMatch(
      /captured Rs [\d,]+\.\d\d = settled Rs 0\.00 \+ refunded Rs 0\.00 \+ in flight Rs [\d,]+\.\d\d/,
    );
    expect(ok.status).toBe(0);

    // A settlement written behind the ledger's back, with no matching line state.
    await conn.collection('ledger_transactions').insertOne({
      _id: 'settle:LINFORGED' as never,
      paymentId: payment._id,
      lineId: 'LINFORGED',
      kind: 'settlement',
      currency: 'INR',
      entries: [
        { account: 'payments:in_flight', debitMinor: 100, creditMinor: 0 },
        { account: 'biller:x:payable', debitMinor: 0, creditMinor: 50 },
      ],
      createdAt: new Date(),
    });
    const broken = run();
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain('problem:');
    expect(broken.stdout).toContain('ledger NOT OK');
  });
});
