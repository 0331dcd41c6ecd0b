import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Ledger } from '../../hub/ledger/index.js';
import { chainLegacyTransactions } from '../../hub/ledger/legacy.js';
import type { Connection } from '../../infra/mongo.js';
import { isolatedMongo } from '../support/isolation.js';

const capture = (paymentId: string, amount: number) => ({
  _id: `capture:${paymentId}`,
  paymentId,
  kind: 'capture',
  currency: 'INR',
  entries: [
    { account: 'gateway:receivable', debitMinor: amount, creditMinor: 0 },
    { account: 'payments:in_flight', debitMinor: 0, creditMinor: amount },
  ],
  createdAt: new Date('2026-01-01T00:00:00Z'),
});

const settle = (paymentId: string, lineId: string, amount: number) => ({
  _id: `settle:${lineId}`,
  paymentId,
  lineId,
  kind: 'settlement',
  currency: 'INR',
  entries: [
    { account: 'payments:in_flight', debitMinor: amount, creditMinor: 0 },
    { account: 'biller:water-board:payable', debitMinor: 0, creditMinor: amount },
  ],
  createdAt: new Date('2026-01-01T00:05:00Z'),
});

describe('a ledger written before hash chains', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ conn, drop } = await isolatedMongo('ledger_legacy'));
    await conn
      .collection('ledger_transactions')
      .insertMany([settle('PAYOLD', 'LINOLD', 500), capture('PAYOLD', 500), capture('PAYOTHER', 700)] as never[]);
  });
  afterAll(() => drop());

  it('refuses to start until its transactions are chained, then chains each payment in recorded order', async () => {
    const ledger = new Ledger(conn);
    await expect(ledger.init()).rejects.toThrow(/3 transaction\(s\) written before hash chains.*--chain-legacy/);

    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', resolve(import.meta.dirname, '../../scripts/ledger-check.ts'), '--chain-legacy'],
      {
        env: { PATH: process.env.PATH, MONGODB_URI: inject('mongoUri'), HUB_MONGODB_DB: conn.name },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.stdout).toContain('chained 3 legacy transaction(s) of 2 payment(s)');
    // The payments themselves are gone from this database: the check says so, not the chains.
    expect(run.stdout).not.toMatch(/problem: .*(hash|chain)/);
    expect(run.stdout).toContain(
      'problem: payment PAYOLD: the ledger has transactions for a payment that does not exist',
    );
    expect(run.stdout).toContain('ledger NOT OK');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    await ledger.init();
    const chain = await ledger.forPayment('PAYOLD');
    expect(chain.map((t) => [t._id, t.seq])).toEqual([
      ['capture:PAYOLD', 0],
      ['settle:LINOLD', 1],
    ]);
    const report = await ledger.checkLedger('PAYOLD');
    expect(report.problems.filter((p) => /chain|hash/.test(p))).toEqual([]);
    // Appends continue the chain.
    const next = await ledger.record({ ...capture('PAYOLD', 1), _id: 'capture:PAYOLD:late' } as never);
    expect(next.transaction).toMatchObject({ seq: 2, prevHash: chain[1]?.hash });
  });

  it('leaves alone an unchained transaction beside a chain: that one was written around the ledger', async () => {
    const ledger = new Ledger(conn);
    await ledger.init();
    await ledger.model.collection.insertOne({ ...capture('PAYOTHER', 1), _id: 'capture:forged' } as never);
    expect(await chainLegacyTransactions(ledger.model)).toEqual({
      payments: 0,
      transactions: 0,
      refused: ['PAYOTHER'],
    });
    expect((await ledger.checkLedger('PAYOTHER')).problems).toContain(
      "transaction capture:forged is outside payment PAYOTHER's hash chain (no seq or hash): written around the ledger",
    );
  });
});
