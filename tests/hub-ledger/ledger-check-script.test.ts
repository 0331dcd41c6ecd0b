import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Ledger } from '../../hub/ledger/index.js';
import { PaymentStore } from '../../hub/payments/index.js';
import type { Connection } from '../../infra/mongo.js';
import { lineOf, settlingPayment } from '../hub-payments/fixtures.js';
import { isolatedMongo } from '../support/isolation.js';
import { settleLine } from './payments.js';

describe('npm run ledger:check', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let payments: PaymentStore;
  let ledger: Ledger;
  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('ledger_script'));
    payments = new PaymentStore(conn);
    ledger = new Ledger(conn);
    await Promise.all([payments.init(), ledger.init()]);
  });
  afterAll(() => drop());

  const run = (...args: string[]) =>
    spawnSync(
      process.execPath,
      ['--import', 'tsx', resolve(import.meta.dirname, '../../scripts/ledger-check.ts'), ...args],
      {
        env: { PATH: process.env.PATH, MONGODB_URI: inject('mongoUri'), HUB_MONGODB_DB: conn.name },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );

  it('lists balances as of a time, and reports an amount edited and a transaction deleted through the raw driver', async () => {
    let payment = await settlingPayment(payments);
    await ledger.recordCapture(payment);
    payment = await settleLine(payments, payment, 0);
    const settled = lineOf(payment, 0);
    await ledger.recordSettlement(payment, settled);

    const ok = run('--balances', '--as-of', new Date().toISOString());
    expect(ok.stdout).toMatch(/biller:electricity-discom:payable\s+liability\s+Rs 1,250\.00/);
    expect(ok.stdout).toMatch(/gateway:receivable\s+asset\s+Rs 1,590\.50/);
    expect(ok.stdout).toContain('+ unknown Rs 0.00 + held Rs 0.00');
    expect(ok.stdout).toContain('ledger OK');
    expect(ok.status).toBe(0);

    const past = run('--balances', '--as-of', new Date(0).toISOString(), payment._id);
    expect(past.stdout).not.toContain('gateway:receivable');
    expect(past.status).toBe(0);

    const raw = ledger.model.collection;
    await raw.updateOne({ _id: `settle:${settled._id}` } as never, {
      $set: { 'entries.0.debitMinor': 100, 'entries.1.creditMinor': 100 },
    });
    await raw.deleteOne({ _id: `capture:${payment._id}` } as never);
    const broken = run(payment._id);
    expect(broken.stdout).toContain(
      `problem: transaction settle:${settled._id} does not match its hash: edited after it was written`,
    );
    expect(broken.stdout).toContain(
      `problem: payment ${payment._id}'s hash chain has no seq 0 before transaction settle:`,
    );
    expect(broken.stdout).toContain('ledger NOT OK');
    expect(broken.status).toBe(1);
  });

  it('refuses an --as-of that is not a time, with exit code 2', () => {
    const bad = run('--balances', '--as-of', 'yesterday-ish');
    expect(bad.stderr).toContain('--as-of yesterday-ish is not an ISO-8601 time');
    expect(bad.status).toBe(2);
  });
});
