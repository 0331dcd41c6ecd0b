import type { Schema } from 'mongoose';
import { AppError } from '../../infra/errors.js';

/**
 * Someone tried to change or remove a ledger transaction, or to add one around `Ledger.record`.
 * A bug, never bad input (500): corrections are reversing transactions (`Ledger.reverse`).
 */
export class LedgerAppendOnlyError extends AppError {
  constructor(operation: string) {
    super(
      500,
      'ledger_append_only',
      `the ledger is append-only: ${operation} is refused; correct a transaction with Ledger.reverse, append with Ledger.record`,
    );
  }
}

const appended = new WeakSet<object>();

/**
 * Marks new transactions (a document, or the array of one batch) as appended by `Ledger.record`
 * with their places in the chain: the only ones `save` and `insertMany` accept.
 */
export function markAppended<T extends object>(doc: T): T {
  appended.add(doc);
  return doc;
}

const QUERY_WRITES = [
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'findOneAndReplace',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'findOneAndDelete',
] as const;

/**
 * Makes every mongoose path that edits or deletes a transaction throw: query updates, replaces and
 * deletes, `doc.updateOne()` / `doc.deleteOne()`, saving a document that already exists, `bulkWrite`,
 * `bulkSave`; and new documents are saved (or inserted many at once) only when `Ledger.record`
 * appended them (with their places in the hash chain). The raw driver (`model.collection`) is not mongoose and
 * cannot be refused here: the hash chain makes what it does visible to `checkLedger`.
 */
export function appendOnly(schema: Schema): void {
  for (const operation of QUERY_WRITES) {
    schema.pre(operation, { document: false, query: true }, () => {
      throw new LedgerAppendOnlyError(operation);
    });
  }
  for (const operation of ['updateOne', 'deleteOne'] as const) {
    schema.pre(operation, { document: true, query: false }, () => {
      throw new LedgerAppendOnlyError(`document ${operation}`);
    });
  }
  schema.pre('save', function () {
    if (!this.isNew) throw new LedgerAppendOnlyError('saving a transaction that already exists');
    if (!appended.has(this)) {
      throw new LedgerAppendOnlyError('saving a transaction that Ledger.record did not append');
    }
  });
  // Ledger.recordAll appends a payment's missing movements in one insert, chained beforehand.
  schema.pre('insertMany', (docs: unknown) => {
    if (typeof docs !== 'object' || docs === null || !appended.has(docs)) {
      throw new LedgerAppendOnlyError('insertMany of transactions that Ledger.record did not append');
    }
  });
  schema.pre('bulkWrite', () => {
    throw new LedgerAppendOnlyError('bulkWrite');
  });
  // bulkSave writes through the collection without the bulkWrite hook.
  schema.static('bulkSave', () => Promise.reject(new LedgerAppendOnlyError('bulkSave')));
}
