import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../hub/ledger/index.js';
import { settlementMovement } from '../../hub/ledger/movements.js';
import type { Payment } from '../../hub/payments/payment-model.js';
import type { PaymentStore } from '../../hub/payments/payment-store.js';
import { bookMissingMovements } from '../../hub/settlement/book-ledger.js';
import { ConflictError } from '../../infra/errors.js';
import { newLine, settlingPayment } from '../hub-payments/fixtures.js';
import { countOperations, countWrites } from '../hub-settlement/count-writes.js';
import { ledgerTestBed, settleLine } from './payments.js';

describe("a payment's missing movements are appended in one insert", () => {
  let drop: () => Promise<void>;
  let store: PaymentStore;
  let ledger: Ledger;
  beforeAll(async () => {
    ({ store, ledger, drop } = await ledgerTestBed('ledger_batch_append'));
  });
  afterAll(() => drop());

  /** A settling payment of three lines, every line settled, its capture not yet booked. */
  async function threeSettled(): Promise<Payment> {
    let payment = await settlingPayment(store, { lines: [newLine(), newLine(), newLine()] });
    for (const index of [0, 1, 2]) payment = await settleLine(store, payment, index);
    return payment;
  }

  it('books the capture and three settlements in one insert, at consecutive places of an intact chain', async () => {
    const payment = await threeSettled();
    const { result: booked, writes } = await countWrites(['ledger_transactions'], () =>
      bookMissingMovements(ledger, payment),
    );

    expect(writes).toEqual(['ledger_transactions.insertMany']);
    expect(booked).toHaveLength(4);
    const chain = await ledger.forPayment(payment._id);
    expect(chain.map((t) => [t.seq, t.kind])).toEqual([
      [0, 'capture'],
      [1, 'settlement'],
      [2, 'settlement'],
      [3, 'settlement'],
    ]);
    expect(chain[1]?.prevHash).toBe(chain[0]?.hash);
    expect((await ledger.checkLedger(payment._id)).problems).toEqual([]);

    // Booked again: nothing missing, nothing written.
    const again = await countWrites(['ledger_transactions'], () => bookMissingMovements(ledger, payment));
    expect(again.result).toEqual([]);
    expect(again.writes).toEqual([]);
  });

  it('runs racing to book the same movements write each once and leave the chain whole', async () => {
    const payment = await threeSettled();
    await Promise.all(Array.from({ length: 6 }, () => bookMissingMovements(ledger, payment)));

    const chain = await ledger.forPayment(payment._id);
    expect(chain.map((t) => t.seq)).toEqual([0, 1, 2, 3]);
    expect(new Set(chain.map((t) => t._id)).size).toBe(4);
    expect((await ledger.checkLedger(payment._id)).problems).toEqual([]);
  });

  it('appends after a chain read before another run added to it, re-reading the chain once it finds its place taken', async () => {
    const payment = await threeSettled();
    const stale = await ledger.forPayment(payment._id);
    await ledger.recordCapture(payment);
    const [first, second] = payment.lines;
    if (!first || !second) throw new Error('lines expected');

    const results = await ledger.recordAll(
      [settlementMovement(payment, first), settlementMovement(payment, second)],
      stale,
    );
    expect(results.map((r) => [r.created, r.transaction.seq])).toEqual([
      [true, 1],
      [true, 2],
    ]);
    expect((await ledger.forPayment(payment._id)).map((t) => t.seq)).toEqual([0, 1, 2]);
  });

  it('returns the stored movement for a key already recorded, and refuses a different movement under it before writing any', async () => {
    const payment = await threeSettled();
    const [first, second] = payment.lines;
    if (!first || !second) throw new Error('lines expected');
    const { transaction } = await ledger.recordSettlement(payment, first);
    const [again, added] = await ledger.recordAll([
      settlementMovement(payment, first),
      settlementMovement(payment, second),
    ]);
    expect(again).toMatchObject({ created: false, transaction: { _id: transaction._id, seq: transaction.seq } });
    expect(added?.created).toBe(true);

    const original = settlementMovement(payment, first);
    const forged = {
      ...original,
      entries: original.entries.map((e) => ({ ...e, debitMinor: e.debitMinor * 2, creditMinor: e.creditMinor * 2 })),
    };
    const third = payment.lines[2];
    if (!third) throw new Error('three lines expected');
    await expect(ledger.recordAll([settlementMovement(payment, third), forged])).rejects.toBeInstanceOf(ConflictError);
    expect((await ledger.forPayment(payment._id)).map((t) => t.lineId)).not.toContain(third._id);
  });

  it('appends a capture at the start of its chain without reading the chain; a repeat reads it and writes nothing', async () => {
    const payment = await settlingPayment(store, { lines: [newLine()] });
    const first = await countOperations(['ledger_transactions'], () => ledger.recordCapture(payment));
    expect(first.operations).toEqual(['ledger_transactions.insertMany']);
    expect(first.result.created).toBe(true);
    expect(first.result.transaction.seq).toBe(0);

    const again = await countOperations(['ledger_transactions'], () => ledger.recordCapture(payment));
    expect(again.result.created).toBe(false);
    expect(again.result.transaction._id).toBe(first.result.transaction._id);
    expect(again.operations).toEqual(['ledger_transactions.insertMany', 'ledger_transactions.find']);
    expect((await ledger.forPayment(payment._id)).map((t) => t.kind)).toEqual(['capture']);
    expect((await ledger.checkLedger(payment._id)).problems).toEqual([]);
  });
});
