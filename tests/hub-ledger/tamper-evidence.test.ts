import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, type Ledger, type LedgerTransaction, transactionHash } from '../../hub/ledger/index.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import type { PaymentStore } from '../../hub/payments/payment-store.js';
import { lineOf, newLine, settlingPayment } from '../hub-payments/fixtures.js';
import { ledgerTestBed, settleLine } from './payments.js';

describe('tampering around mongoose shows in the hash chains', () => {
  let drop: () => Promise<void>;
  let store: PaymentStore;
  let ledger: Ledger;
  beforeAll(async () => {
    ({ store, ledger, drop } = await ledgerTestBed('ledger_tamper'));
  });
  afterAll(() => drop());

  const raw = () => ledger.model.collection;

  /** A settling payment with its capture and both lines settled: a chain of three. */
  async function settledChain(): Promise<Payment> {
    let payment = await settlingPayment(store);
    await ledger.recordCapture(payment);
    payment = await settleLine(store, await settleLine(store, payment, 0), 1);
    for (const line of payment.lines) await ledger.recordSettlement(payment, line);
    await store.settleCompletion(payment._id);
    expect((await ledger.checkLedger(payment._id)).problems).toEqual([]);
    return payment;
  }

  it('links each payment’s transactions from seq 0, each hash covering the one before', async () => {
    const payment = await settledChain();
    const chain = await ledger.forPayment(payment._id);
    expect(chain.map((t) => t.seq)).toEqual([0, 1, 2]);
    expect(chain[0]?.prevHash).toBe(GENESIS_HASH);
    expect(chain[1]?.prevHash).toBe(chain[0]?.hash);
    expect(chain[2]?.prevHash).toBe(chain[1]?.hash);
    for (const tx of chain) expect(transactionHash(tx)).toBe(tx.hash);
  });

  it('reports an amount edited through the raw driver', async () => {
    const payment = await settledChain();
    const line = lineOf(payment, 0);
    await raw().updateOne({ _id: `settle:${line._id}` } as never, {
      $set: { 'entries.0.debitMinor': 1, 'entries.1.creditMinor': 1 },
    });
    const report = await ledger.checkLedger(payment._id);
    expect(report.ok).toBe(false);
    expect(report.problems).toContain(
      `transaction settle:${line._id} does not match its hash: edited after it was written`,
    );
  });

  it('reports an edit whose hash was recomputed, at the next transaction of the chain', async () => {
    const payment = await settledChain();
    const [, first] = await ledger.forPayment(payment._id);
    if (!first) throw new Error('no settlement');
    const edited = {
      ...first,
      entries: first.entries.map((e) => ({ ...e, debitMinor: e.debitMinor && 1, creditMinor: e.creditMinor && 1 })),
    };
    await raw().replaceOne({ _id: first._id } as never, { ...edited, hash: transactionHash(edited) });
    const report = await ledger.checkLedger(payment._id);
    expect(report.problems).toContainEqual(
      expect.stringMatching(new RegExp(`does not follow transaction ${first._id} \\(prevHash differs\\)`)),
    );
  });

  it('reports a transaction deleted through the raw driver, as a gap in the chain', async () => {
    const payment = await settledChain();
    await raw().deleteOne({ _id: `capture:${payment._id}` } as never);
    const report = await ledger.checkLedger(payment._id);
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(
      expect.stringContaining(`payment ${payment._id}'s hash chain has no seq 0 before transaction settle:`),
    );
    expect(report.problems).toContain(`payment ${payment._id} is completed but the ledger has no capture`);
  });

  it('reports the last transaction deleted through the raw driver, by the payment it no longer matches', async () => {
    const payment = await settledChain();
    const last = lineOf(payment, 1);
    await raw().deleteOne({ _id: `settle:${last._id}` } as never);
    const report = await ledger.checkLedger(payment._id);
    expect(report.problems).toContain(`payment ${payment._id} line ${last._id} is settled but has no settlement`);
  });

  it('reports a transaction inserted out of chain, with or without a place in it', async () => {
    const payment = await settledChain();
    const [capture] = await ledger.forPayment(payment._id);
    if (!capture) throw new Error('no capture');
    const forged: LedgerTransaction = {
      ...capture,
      _id: 'capture:forged',
      seq: 3,
      prevHash: GENESIS_HASH,
      createdAt: new Date(),
      hash: '',
    };
    forged.hash = transactionHash(forged);
    await raw().insertOne(forged as never);
    const report = await ledger.checkLedger(payment._id);
    expect(report.problems).toContainEqual(
      expect.stringMatching(/transaction capture:forged does not follow transaction settle:\w+ \(prevHash differs\)/),
    );
    const { seq: _seq, hash: _hash, prevHash: _prev, ...unchained } = { ...capture, _id: 'capture:unchained' };
    await raw().insertOne(unchained as never);
    expect((await ledger.checkLedger(payment._id)).problems).toContain(
      `transaction capture:unchained is outside payment ${payment._id}'s hash chain (no seq or hash): written around the ledger`,
    );
  });

  it('keeps one unbroken chain when every line of a payment is recorded at once', async () => {
    const lines = Array.from({ length: 8 }, (_, i) => newLine({ billNumber: `B-${i}`, amountMinor: 1_000 + i }));
    let payment = await settlingPayment(store, { lines });
    await ledger.recordCapture(payment);
    for (let i = 0; i < lines.length; i++) payment = await settleLine(store, payment, i);
    const settled = payment;
    // Each line twice, as a duplicated job would.
    const results = await Promise.all(
      [...settled.lines, ...settled.lines].map((line) => ledger.recordSettlement(settled, line)),
    );
    expect(results.filter((r) => r.created)).toHaveLength(lines.length);
    const chain = await ledger.forPayment(payment._id);
    expect(chain.map((t) => t.seq)).toEqual(Array.from({ length: lines.length + 1 }, (_, i) => i));
    await store.settleCompletion(payment._id);
    expect((await ledger.checkLedger(payment._id)).problems).toEqual([]);
  });
});
