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
import {
  CURRENCY_PATTERN,
  LEDGER_KINDS,
  type LedgerModel,
  type LedgerTransaction,
  ledgerModel,
} from './ledger-model.js';
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

const OPTIONAL_TEXT = ['lineId', 'reverses', 'reason', 'payoutId'] as const;

/**
 * Why a movement cannot be stored (empty when it can): its entries (entryProblems) and the fields
 * the schema requires (ledger-model.ts). Checked here because the append inserts lean, without
 * mongoose's validation.
 */
function movementProblems(t: NewLedgerTransaction): string[] {
  const problems = entryProblems(t.entries);
  if (typeof t._id !== 'string' || t._id === '') problems.push('no key');
  if (typeof t.paymentId !== 'string' || t.paymentId === '') problems.push('no payment');
  if (!(LEDGER_KINDS as readonly string[]).includes(t.kind)) problems.push(`unknown kind ${JSON.stringify(t.kind)}`);
  if (typeof t.currency !== 'string' || !CURRENCY_PATTERN.test(t.currency)) problems.push('currency is not ISO 4217');
  for (const field of OPTIONAL_TEXT) {
    if (t[field] !== undefined && typeof t[field] !== 'string') problems.push(`${field} is not text`);
  }
  return problems;
}

/** The stored transaction of a movement's key, or undefined; a different movement under the key is a conflict. */
function recordedAlready(
  stored: readonly LedgerTransaction[],
  transaction: NewLedgerTransaction,
): RecordedTransaction | undefined {
  const existing = stored.find((t) => t._id === transaction._id);
  if (!existing) return undefined;
  if (content(existing) !== content(transaction)) {
    throw new ConflictError(`ledger transaction ${transaction._id} was already recorded differently`);
  }
  return { transaction: existing, created: false };
}

/** The chain's last transaction (highest seq); unchained legacy transactions are not in the chain. */
function headOf(stored: readonly LedgerTransaction[]): Pick<LedgerTransaction, 'seq' | 'hash'> | undefined {
  let head: LedgerTransaction | undefined;
  for (const t of stored) if (Number.isSafeInteger(t.seq) && t.seq >= 0 && (!head || t.seq > head.seq)) head = t;
  return head;
}

/** The movements with their places after `head`, each hash covering the one before it. */
function chainAfter(
  head: Pick<LedgerTransaction, 'seq' | 'hash'> | undefined,
  movements: readonly NewLedgerTransaction[],
): LedgerTransaction[] {
  let seq = head ? head.seq + 1 : 0;
  let prevHash = head ? head.hash : GENESIS_HASH;
  const createdAt = new Date();
  return movements.map((transaction) => {
    const chained = { ...transaction, seq: seq++, prevHash, createdAt };
    const hash = transactionHash(chained);
    prevHash = hash;
    return { ...chained, hash };
  });
}

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

  /**
   * What the gateway captured, into flight (into held for a held payment): captureMovement. A
   * capture is the first movement of its payment's chain, so it is appended at the chain's start
   * without reading the chain first; when it is not the first (a retried capture, recorded
   * already), the insert clashes on the key or the chain position and the chain is read then.
   */
  async recordCapture(payment: Payment): Promise<RecordedTransaction> {
    const [recorded] = await this.recordAll([captureMovement(payment)], []);
    return recorded as RecordedTransaction;
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
   * Appends a balanced transaction once, at the end of its payment's hash chain: `recordAll` with
   * one movement. The stored one is returned when the key is already recorded (`created: false`),
   * a ConflictError when it was recorded differently, a ValidationError when the entries are not
   * balanced or a field is not what the schema holds (movementProblems).
   */
  async record(transaction: NewLedgerTransaction): Promise<RecordedTransaction> {
    const [recorded] = await this.recordAll([transaction]);
    return recorded as RecordedTransaction;
  }

  /**
   * Appends several movements of ONE payment, each once, in one insert at consecutive places of its
   * hash chain (in the order given). `chain` is the payment's transactions in chain order when the
   * caller has just read them (forPayment): the chain is then not read again. A movement whose key is
   * already recorded is returned as stored (`created: false`), or is a ConflictError when it differs.
   * A duplicate key on insert (another run took a place, or recorded one of these movements first)
   * reads the chain again and appends what is still missing; the movements inserted before the
   * clash are found by their keys then. Results are in the order of `movements`. ValidationError
   * when a movement is unbalanced or malformed (movementProblems), or they name different payments.
   */
  async recordAll(
    movements: readonly NewLedgerTransaction[],
    chain?: readonly LedgerTransaction[],
  ): Promise<RecordedTransaction[]> {
    for (const transaction of movements) {
      const problems = movementProblems(transaction);
      if (problems.length > 0) {
        throw new ValidationError(`ledger transaction ${transaction._id} refused: ${problems.join('; ')}`, {
          problems,
        });
      }
    }
    const paymentId = movements[0]?.paymentId;
    if (paymentId === undefined) return [];
    if (movements.some((t) => t.paymentId !== paymentId)) {
      throw new ValidationError('one ledger append holds the movements of one payment');
    }
    let stored = chain;
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
      stored ??= await this.forPayment(paymentId);
      const results = movements.map((t) => recordedAlready(stored as readonly LedgerTransaction[], t));
      const missing = movements.filter((_, i) => results[i] === undefined);
      if (missing.length === 0) return results as RecordedTransaction[];
      const docs = chainAfter(headOf(stored), missing);
      try {
        // lean: no mongoose documents are built; every movement was checked above (movementProblems) and
        // chainAfter made every other field, so the stored transactions are `docs` as they are.
        await this.model.insertMany(markAppended(docs), { ordered: true, lean: true });
        const byId = new Map(docs.map((doc) => [doc._id, doc]));
        return movements.map(
          (t, i) => results[i] ?? { transaction: byId.get(t._id) as LedgerTransaction, created: true },
        );
      } catch (error) {
        if (error instanceof mongoose.Error.ValidationError) {
          throw new ValidationError(`ledger transaction refused: ${error.message}`);
        }
        if (!(error instanceof ConflictError) && !isDuplicateKeyError(error)) throw error;
        // Lost a chain position (or a key) to another run: read the chain again after a short, growing pause.
        stored = undefined;
        if (attempt > 1) await sleep(Math.random() * 2 * attempt);
      }
    }
    throw new Error(
      `ledger append for payment ${paymentId}: no free chain position after ${MAX_APPEND_ATTEMPTS} tries`,
    );
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
