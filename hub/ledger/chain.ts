import { createHash } from 'node:crypto';
import type { LedgerTransaction } from './ledger-model.js';

/*
 * Tamper evidence for what goes around mongoose (the raw driver, a shell). Each payment's
 * transactions form a hash chain: seq 0, 1, 2… and each hash covers the transaction's content and
 * the hash before it. checkLedger walks every chain and reports:
 *   - an edited transaction: its content no longer gives its hash;
 *   - a deleted one: a gap in seq (or, if its successor was renumbered, a prevHash that differs);
 *   - one inserted out of chain: no seq or hash, a repeated seq, a hash or prevHash that does not fit.
 * What a chain alone cannot show, and what covers it:
 *   - the last transactions of a chain deleted (a shorter chain is still a valid one): checkLedger's
 *     agreement with the payment documents shows a missing capture, settlement or refund; a
 *     missing payout or netting shows in reconciliation against the gateway's and billers' reports;
 *   - a chain rewritten from the edit onwards with fresh hashes: SHA-256 is not a secret. Keying the
 *     hash (an HMAC whose key the database never sees) or publishing chain heads elsewhere (the
 *     daily reconciliation report) would show that; neither is done yet.
 * Why one chain per payment and not one for the whole ledger: a global chain would also show the
 * tail deleted, but every append would read and race for the one head, so all ledger writes of every
 * worker would queue behind each other (settlement runs 8 lines at a time per worker, on a server
 * that takes a few thousand writes a second). Per payment, only the lines of one payment race, and a
 * lost race costs one re-read. And every rule checkLedger proves is per payment anyway.
 */

/** The prevHash of a chain's first transaction. */
export const GENESIS_HASH = '0'.repeat(64);

/** What the hash covers: everything a transaction says, its place in the chain, and the hash before it. */
export type ChainedContent = Omit<LedgerTransaction, 'hash'>;

const iso = (value: unknown): string => (value instanceof Date ? value.toISOString() : String(value));

/**
 * A fixed-order JSON array of the transaction's fields (versioned, so the encoding can change later
 * without breaking old chains). Read from stored documents too, so it takes anything they may hold.
 */
export function canonicalTransaction(tx: ChainedContent): string {
  return JSON.stringify([
    'ledger-tx-v1',
    tx._id,
    tx.paymentId,
    tx.lineId ?? null,
    tx.kind,
    tx.currency,
    (tx.entries ?? []).map((e) => [e?.account, e?.debitMinor, e?.creditMinor]),
    tx.reverses ?? null,
    tx.reason ?? null,
    tx.payoutId ?? null,
    tx.seq,
    tx.prevHash,
    iso(tx.createdAt),
  ]);
}

/** SHA-256, hex, of the canonical encoding. */
export function transactionHash(tx: ChainedContent): string {
  return createHash('sha256').update(canonicalTransaction(tx)).digest('hex');
}

/** Walks one payment's chain in seq order, one transaction at a time, and says what does not fit. */
export class ChainVerifier {
  private expectedSeq = 0;
  private prevHash = GENESIS_HASH;
  private prevId: string | null = null;

  constructor(private readonly paymentId: string) {}

  next(tx: LedgerTransaction): string[] {
    const at = `transaction ${tx._id}`;
    if (!Number.isSafeInteger(tx.seq) || typeof tx.hash !== 'string' || typeof tx.prevHash !== 'string') {
      return [`${at} is outside payment ${this.paymentId}'s hash chain (no seq or hash): written around the ledger`];
    }
    const problems: string[] = [];
    if (tx.seq > this.expectedSeq) {
      const missing = tx.seq - 1 === this.expectedSeq ? `${this.expectedSeq}` : `${this.expectedSeq}-${tx.seq - 1}`;
      problems.push(`payment ${this.paymentId}'s hash chain has no seq ${missing} before ${at}: deleted`);
    } else if (tx.seq < this.expectedSeq) {
      problems.push(`${at} repeats seq ${tx.seq} of payment ${this.paymentId}'s hash chain: inserted out of chain`);
    } else if (tx.prevHash !== this.prevHash) {
      const after = this.prevId ? `transaction ${this.prevId}` : 'the start of the chain';
      problems.push(`${at} does not follow ${after} (prevHash differs): the chain was deleted from or rewritten`);
    }
    if (transactionHash(tx) !== tx.hash) problems.push(`${at} does not match its hash: edited after it was written`);
    this.expectedSeq = tx.seq + 1;
    this.prevHash = tx.hash;
    this.prevId = tx._id;
    return problems;
  }
}
