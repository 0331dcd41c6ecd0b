import mongoose from 'mongoose';
import { ConflictError, ValidationError } from '../../infra/errors.js';
import { type Connection, isDuplicateKeyError } from '../../infra/mongo.js';
import type { Payment, PaymentLine } from '../payments/payment-model.js';
import { paymentModel } from '../payments/payment-model.js';
import { entryProblems } from './balance.js';
import { checkLedger, type LedgerReport } from './check-ledger.js';
import { type LedgerModel, type LedgerTransaction, ledgerModel } from './ledger-model.js';
import { captureMovement, type NewLedgerTransaction, refundMovement, settlementMovement } from './movements.js';

export interface RecordedTransaction {
  transaction: LedgerTransaction;
  /** false when this movement had been recorded already (a retried job). */
  created: boolean;
}

const sameMovement = (a: NewLedgerTransaction, b: NewLedgerTransaction): boolean =>
  a.paymentId === b.paymentId &&
  (a.lineId ?? null) === (b.lineId ?? null) &&
  a.kind === b.kind &&
  a.currency === b.currency &&
  JSON.stringify(a.entries.map((e) => [e.account, e.debitMinor, e.creditMinor])) ===
    JSON.stringify(b.entries.map((e) => [e.account, e.debitMinor, e.creditMinor]));

/**
 * The double-entry ledger: append-only, one document per movement, keyed so that recording the
 * same movement twice writes it once. Record a movement after the state change it reflects
 * (capture after the payment is captured, settlement after the line is settled, refund after it
 * is refunded); a job retried after a crash records it again, harmlessly.
 */
export class Ledger {
  readonly model: LedgerModel;
  private readonly payments;

  constructor(conn: Connection) {
    this.model = ledgerModel(conn);
    this.payments = paymentModel(conn);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async recordCapture(payment: Payment): Promise<RecordedTransaction> {
    return this.record(captureMovement(payment));
  }

  async recordSettlement(payment: Payment, line: Pick<PaymentLine, '_id'>): Promise<RecordedTransaction> {
    return this.record(settlementMovement(payment, line));
  }

  async recordRefund(payment: Payment, line: Pick<PaymentLine, '_id'>): Promise<RecordedTransaction> {
    return this.record(refundMovement(payment, line));
  }

  /**
   * Writes a balanced transaction once. A duplicate key means it is already recorded: the stored
   * one is returned, unless it differs, which is a ConflictError (two different movements, one key).
   */
  async record(transaction: NewLedgerTransaction): Promise<RecordedTransaction> {
    const problems = entryProblems(transaction.entries);
    if (problems.length > 0) {
      throw new ValidationError(`ledger transaction ${transaction._id} refused: ${problems.join('; ')}`, { problems });
    }
    try {
      const created = await this.model.create(transaction);
      return { transaction: created.toObject(), created: true };
    } catch (error) {
      if (error instanceof mongoose.Error.ValidationError) {
        throw new ValidationError(`ledger transaction ${transaction._id} refused: ${error.message}`);
      }
      if (!(error instanceof ConflictError) && !isDuplicateKeyError(error)) throw error;
      const existing = await this.model.findById(transaction._id).lean<LedgerTransaction>().exec();
      if (!existing) throw error;
      if (!sameMovement(existing, transaction)) {
        throw new ConflictError(`ledger transaction ${transaction._id} was already recorded differently`);
      }
      return { transaction: existing, created: false };
    }
  }

  forPayment(paymentId: string): Promise<LedgerTransaction[]> {
    return this.model.find({ paymentId }).sort({ createdAt: 1 }).lean<LedgerTransaction[]>().exec();
  }

  /** Reconciles the ledger with itself and with the payments: one payment, or all of them. */
  checkLedger(paymentId?: string): Promise<LedgerReport> {
    return checkLedger(this.model, this.payments, paymentId);
  }
}
