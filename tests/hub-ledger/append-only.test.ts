import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger, LedgerAppendOnlyError, type LedgerTransaction } from '../../hub/ledger/index.js';
import { PaymentStore } from '../../hub/payments/payment-store.js';
import { capturedPayment } from '../hub-payments/fixtures.js';
import { isolatedMongo } from '../support/isolation.js';

describe('the ledger is append-only through mongoose', () => {
  let drop: () => Promise<void>;
  let store: PaymentStore;
  let ledger: Ledger;
  let tx: LedgerTransaction;
  beforeAll(async () => {
    const mongo = await isolatedMongo('ledger_append_only');
    drop = mongo.drop;
    store = new PaymentStore(mongo.conn);
    ledger = new Ledger(mongo.conn);
    await Promise.all([store.init(), ledger.init()]);
    tx = (await ledger.recordCapture(await capturedPayment(store))).transaction;
  });
  afterAll(() => drop());

  const halve = { $set: { 'entries.0.debitMinor': 1, 'entries.1.creditMinor': 1 } };
  const attempts: [string, () => Promise<unknown>][] = [
    ['Model.updateOne', () => ledger.model.updateOne({ _id: tx._id }, halve)],
    ['Model.updateMany', () => ledger.model.updateMany({}, halve)],
    ['Model.findOneAndUpdate', () => ledger.model.findOneAndUpdate({ _id: tx._id }, halve)],
    ['Model.findByIdAndUpdate', () => ledger.model.findByIdAndUpdate(tx._id, halve)],
    ['Model.findOneAndReplace', () => ledger.model.findOneAndReplace({ _id: tx._id }, { ...tx, reason: 'x' })],
    ['Model.replaceOne', () => ledger.model.replaceOne({ _id: tx._id }, { ...tx, reason: 'x' })],
    ['Model.deleteOne', () => ledger.model.deleteOne({ _id: tx._id })],
    ['Model.deleteMany', () => ledger.model.deleteMany({})],
    ['Model.findOneAndDelete', () => ledger.model.findOneAndDelete({ _id: tx._id })],
    ['Model.findByIdAndDelete', () => ledger.model.findByIdAndDelete(tx._id)],
    ['Model.bulkWrite', () => ledger.model.bulkWrite([{ deleteOne: { filter: { _id: tx._id } } }] as never)],
    ['Model.insertMany', () => ledger.model.insertMany([{ ...tx, _id: 'capture:copy' }])],
    ['Model.insertOne (around Ledger.record)', () => ledger.model.insertOne({ ...tx, _id: 'capture:one', seq: 9 })],
    ['Model.create (around Ledger.record)', () => ledger.model.create({ ...tx, _id: 'capture:forged', seq: 9 })],
    [
      'document save of an existing transaction',
      async () => {
        const doc = await ledger.model.findById(tx._id).orFail();
        doc.set('entries', [
          { account: 'gateway:receivable', debitMinor: 1, creditMinor: 0 },
          { account: 'payments:in_flight', debitMinor: 0, creditMinor: 1 },
        ]);
        return doc.save();
      },
    ],
    ['document updateOne', async () => (await ledger.model.findById(tx._id).orFail()).updateOne(halve)],
    [
      'document replaceOne',
      async () => (await ledger.model.findById(tx._id).orFail()).replaceOne({ ...tx, reason: 'x' }),
    ],
    ['document deleteOne', async () => (await ledger.model.findById(tx._id).orFail()).deleteOne()],
    [
      'Model.bulkSave',
      async () => {
        const doc = await ledger.model.findById(tx._id).orFail();
        doc.set('reason', 'edited');
        return ledger.model.bulkSave([doc]);
      },
    ],
  ];

  it.each(attempts)('refuses %s with LedgerAppendOnlyError and changes nothing', async (_label, attempt) => {
    const error = await attempt().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerAppendOnlyError);
    expect((error as Error).message).toMatch(/the ledger is append-only/);
    expect(await ledger.model.findById(tx._id).lean()).toEqual(tx);
    expect(await ledger.model.countDocuments()).toBe(1);
    expect((await ledger.checkLedger(tx.paymentId)).problems).toEqual([]);
  });
});
