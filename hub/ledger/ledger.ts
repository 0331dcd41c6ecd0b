import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { ConflictError, NotFoundError, ValidationError } from '../../infra/errors.js';
import { type Connection, isDuplicateKeyError } from '../../infra/mongo.js';
import type { Payment, PaymentLine } from '../payments/payment-model.js';
import { paymentModel } from '../payments/payment-model.js';
import { markAppended } from './append-only.js';
import { entryProblems } from './balance.js';
import { type AccountBalance, accountBalances, type BalancesOptions } from './balances.js';
import { GENESIS_HASH, transactionHash } from './chain.js';
import { checkLedger, type LedgerReport } from './check-ledger.js';
import { type LedgerModel, type LedgerTransaction, ledgerModel } from './ledger-model.js';
import { countUnchained } from './legacy.js';
import {
  billerPayoutMovement,
  captureMovement,
  type GatewayPayout,
  gatewayPayoutMovement,
  heldRefundMovement,
  type NewLedgerTransaction,
  type PayoutRef,
  refundMovement,
  refundNettingMovement,
  reversalMovement,
  settlementMovement,
} from './movements.js';

export interface RecordedTransaction {
  transaction: LedgerTransaction;
  /** false when this movement had been recorded already (a retried job). */
  created: boolean;
}

/** Appends that lose the race for a chain position this many times in a row give up (retryable). */
const MAX_APPEND_ATTEMPTS = 30;

const content = (t: NewLedgerTransaction) =>
  JSON.stringify([
    t.paymentId,
    t.lineId ?? null,
    t.kind,
    t.currency,
    t.entries.map((e) => [e.account, e.debitMinor, e.creditMinor]),
    t.reverses ?? null,
    t.reason ?? null,
    t.payoutId ?? null,
  ]);

/**
 * The double-entry ledger (README.md in this folder): append-only, one document per movement, keyed
 * so that recording the same movement twice writes it once, each payment's transactions linked in a
 * hash chain. Record a movement after the state change it reflects (capture after the payment is
 * captured or held, settlement after the line is settled, refund after it is refunded); a job
 * retried after a crash records it again, harmlessly. Nothing edits or deletes a transaction: a
 * mistake is undone by `reverse`.
 */
export class Ledger {
  readonly model: LedgerModel;
  private readonly payments;

  constructor(conn: Connection) {
    this.model = ledgerModel(conn);
    this.payments = paymentModel(conn);
  }

  /**
   * Builds the indexes. On a database written before hash chains the unique chain index cannot be
   * built: that fails with a message naming the one-off fix (`ledger:check -- --chain-legacy`).
   */
  async init(): Promise<void> {
    try {
      await this.model.init();
    } catch (error) {
      const unchained = await countUnchained(this.model);
      if (unchained === 0) {
        // Mongoose keeps a failed init; build again (after --chain-legacy, or to surface the real error).
        await this.model.createIndexes();
        return;
      }
      throw new Error(
        `ledger_transactions holds ${unchained} transaction(s) written before hash chains: ` +
          'check them, then run `npm run ledger:check -- --chain-legacy` once',
        { cause: error },
      );
    }
  }

  /*
   * The record* methods build a movement (movements.ts) and append it. A movement refused (wrong
   * state, bad input) is a rejected promise, never a synchronous throw.
   */

  /** What the gateway captured, into flight (into held for a held payment): captureMovement. */
  async recordCapture(payment: Payment): Promise<RecordedTransaction> {
    return this.record(captureMovement(payment));
  }

  /** The biller accepted the line: settlementMovement. */
  async recordSettlement(payment: Payment, line: Pick<PaymentLine, '_id'>): Promise<RecordedTransaction> {
    return this.record(settlementMovement(payment, line));
  }

  /** The gateway refunded the line: refundMovement. */
  async recordRefund(payment: Payment, line: Pick<PaymentLine, '_id'>): Promise<RecordedTransaction> {
    return this.record(refundMovement(payment, line));
  }

  /** The gateway refunded a held payment's whole capture (an operator's decision): heldRefundMovement. */
  async recordHeldRefund(payment: Payment): Promise<RecordedTransaction> {
    return this.record(heldRefundMovement(payment));
  }

  /** The gateway netted a refunded line against what it owes (its report lists the refund). */
  async recordRefundNetting(
    payment: Payment,
    line: Pick<PaymentLine, '_id'>,
    payout: PayoutRef,
  ): Promise<RecordedTransaction> {
    return this.record(refundNettingMovement(payment, line, payout));
  }

  /** The gateway paid (part of) one payment's money to the bank, less its fee. */
  async recordGatewayPayout(payment: Payment, payout: GatewayPayout): Promise<RecordedTransaction> {
    return this.record(gatewayPayoutMovement(payment, payout));
  }

  /** The hub paid a settled line to its biller. */
  async recordBillerPayout(
    payment: Payment,
    line: Pick<PaymentLine, '_id'>,
    payout: PayoutRef,
  ): Promise<RecordedTransaction> {
    return this.record(billerPayoutMovement(payment, line, payout));
  }

  /**
   * Undoes one transaction by appending its mirror image (`reversal:<id>`, naming it and the
   * reason). Reversing twice with the same reason returns the first reversal; with another reason
   * it is a ConflictError. NotFoundError for an unknown id, ValidationError for a reversal.
   */
  async reverse(transactionId: string, reason: string): Promise<RecordedTransaction> {
    const original = await this.model.findById(transactionId).lean<LedgerTransaction>().exec();
    if (!original) throw new NotFoundError(`no ledger transaction ${transactionId}`);
    return this.record(reversalMovement(original, reason));
  }

  /**
   * Appends a balanced transaction once, at the end of its payment's hash chain. A duplicate key
   * on its id means it is already recorded: the stored one is returned, unless it differs, which
   * is a ConflictError (two different movements, one key). A duplicate chain position means
   * another movement of the payment got there first: read the chain's end again and retry.
   * ValidationError when the entries are not balanced or the schema refuses the transaction.
   */
  async record(transaction: NewLedgerTransaction): Promise<RecordedTransaction> {
    const problems = entryProblems(transaction.entries);
    if (problems.length > 0) {
      throw new ValidationError(`ledger transaction ${transaction._id} refused: ${problems.join('; ')}`, { problems });
    }
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
      const head = await this.model
        .findOne({ paymentId: transaction.paymentId, seq: { $gte: 0 } }, { seq: 1, hash: 1 })
        .sort({ seq: -1 })
        .lean<Pick<LedgerTransaction, 'seq' | 'hash'>>()
        .exec();
      const chained = {
        ...transaction,
        seq: head ? head.seq + 1 : 0,
        prevHash: head ? head.hash : GENESIS_HASH,
        createdAt: new Date(),
      };
      try {
        const created = await markAppended(new this.model({ ...chained, hash: transactionHash(chained) })).save();
        return { transaction: created.toObject(), created: true };
      } catch (error) {
        if (error instanceof mongoose.Error.ValidationError) {
          throw new ValidationError(`ledger transaction ${transaction._id} refused: ${error.message}`);
        }
        if (!(error instanceof ConflictError) && !isDuplicateKeyError(error)) throw error;
        const existing = await this.model.findById(transaction._id).lean<LedgerTransaction>().exec();
        if (existing) {
          if (content(existing) !== content(transaction)) {
            throw new ConflictError(`ledger transaction ${transaction._id} was already recorded differently`);
          }
          return { transaction: existing, created: false };
        }
        // Lost the race for this chain position to another movement of the payment: a short, growing pause.
        await sleep(Math.random() * 2 * attempt);
      }
    }
    throw new Error(`ledger transaction ${transaction._id}: no free chain position after ${MAX_APPEND_ATTEMPTS} tries`);
  }

  /** A payment's transactions in chain order. */
  forPayment(paymentId: string): Promise<LedgerTransaction[]> {
    return this.model.find({ paymentId }).sort({ seq: 1 }).lean<LedgerTransaction[]>().exec();
  }

  /** Every account's balance per currency, now or as of a past time. */
  balances(options: BalancesOptions = {}): Promise<AccountBalance[]> {
    return accountBalances(this.model, options);
  }

  /** Proves the ledger against itself and the payments: one payment, or all of them (check-ledger.ts). */
  checkLedger(paymentId?: string): Promise<LedgerReport> {
    return checkLedger(this.model, this.payments, paymentId);
  }
}
