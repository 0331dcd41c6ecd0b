import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../../infra/errors.js';
import type { Connection } from '../../infra/mongo.js';
import { type Demand, type DemandStore, indianDayOf, type Payer, PaymentRefusedError } from '../demands/index.js';
import type { PaymentConfirmed } from '../notifications/events.js';
import { receiptConfirmedEvent } from '../notifications/payment-events.js';
import { type Receipt, receiptModel } from '../receipts/receipt-model.js';
import type { TransferVerification, WalletProvider } from './port.js';
import {
  type WalletTransferClaim,
  type WalletTransferClaimModel,
  walletTransferClaimModel,
} from './transfer-claim-model.js';
import { type WalletRefusal, WalletTransferRefusedError } from './wallet-errors.js';
import { claimIdOf, walletPaymentIdOf } from './wallet-ids.js';
import { normaliseTransactionId, normaliseWalletNumber } from './wallet-input.js';
import { isPayerOf, paymentPlan } from './wallet-payment-plan.js';
import { issueWalletReceipt } from './wallet-receipt.js';

/** What a payer enters for a demand they paid by a wallet transfer. */
export interface SettleByWalletInput {
  /** The demand's reference number as typed (see parseReferenceNumber). */
  reference: string;
  /** The wallet they paid from: a mobile number, any usual spelling (see normaliseWalletNumber). */
  walletNumber: string;
  transactionId: string;
  /** The signed-in citizen: the receipt is theirs. */
  citizenSub: string;
  /** How many of the next instalments it pays; absent: the number whose cost equals the amount. */
  instalments?: number;
  /**
   * When given, the demand must be this payer's (their phone or their email, as the idp verified
   * them): another payer's demand is not found, as in a citizen's own dues.
   */
  payer?: Payer;
}

/**
 * settled: the instalments are recorded paid (`recorded: false` when an earlier attempt had recorded
 * them); verifying: the wallet's answer was inconclusive, nothing is recorded, and a retry (the same
 * call again, or retryUnresolved) resolves it. Refusals are thrown (WalletTransferRefusedError).
 */
export type SettleByWalletResult =
  | { status: 'settled'; claim: WalletTransferClaim; demand: Demand; recorded: boolean; receiptId?: string }
  | { status: 'verifying'; claim: WalletTransferClaim; reason: string };

export interface WalletSettlementOptions {
  /** The merchant wallet the hub collects into: a transfer to anyone else settles nothing. */
  payee?: string;
  /** How long one caller holds a claim while it asks the wallet; past it another may take over. */
  leaseMs?: number;
  /** Issue a receipt when a transfer settles (default true). */
  receipts?: boolean;
  /**
   * Tells the payer their payment is confirmed once its receipt is issued (a `payment_confirmed`
   * event, deduplicated on the receipt number by hub/notifications). Without it nobody is told.
   */
  notifications?: { notify(event: PaymentConfirmed): Promise<unknown> };
  now?: () => Date;
}

const DEFAULT_LEASE_MS = 120_000;
const RELEASED = new Date(0);
const CLAIM_RACES = 3;

/**
 * Settling a demand with a transfer the payer made in a mobile wallet ("paid elsewhere"), as
 * property payment centres do: the payer gives the wallet number and the transaction id, the hub
 * asks the wallet, and the next instalments are recorded paid with a receipt.
 *
 * - **Once per transaction id, across the hub**: the id is claimed first, by inserting a document
 *   keyed on it in `wallet_transfers` (unique); a second claim of a settled id is refused
 *   (`already_used`), of one being verified (`in_use`). A refused claim frees the id again (a typo
 *   in the wallet number must not burn the transaction).
 * - **The amount** must be exactly what the next instalment(s) cost on the transfer's Indian day
 *   (late fee and discount by hub/demands' rules), else `amount_mismatch` with the costs.
 * - **An unknown answer** (timeout, 5xx) leaves the claim `verifying` with nothing recorded; the
 *   same call again, or retryUnresolved(), asks the wallet again. Nothing is marked paid on a guess.
 * - Every change is one conditional update on one document (the claim under its lease, the demand
 *   by DemandStore.recordPayment, idempotent on the payment id derived from the transaction).
 */
export class WalletSettlement {
  readonly claims: WalletTransferClaimModel;
  private readonly payee: string | undefined;
  private readonly leaseMs: number;
  private readonly receipts: boolean;
  private readonly notifications: WalletSettlementOptions['notifications'];
  private readonly now: () => Date;

  constructor(
    private readonly conn: Connection,
    private readonly demands: DemandStore,
    private readonly wallet: WalletProvider,
    options: WalletSettlementOptions = {},
  ) {
    this.claims = walletTransferClaimModel(conn);
    this.payee = options.payee;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.receipts = options.receipts ?? true;
    this.notifications = options.notifications;
    this.now = options.now ?? (() => new Date());
  }

  /** Builds the indexes; the once-per-transaction rule relies on them. */
  async init(): Promise<void> {
    await this.claims.init();
    await this.demands.init();
  }

  /**
   * Claims the transaction for the demand, asks the wallet, and records the instalments paid.
   * Throws ValidationError (a malformed wallet number, id or count), NotFoundError (no such
   * demand), WalletTransferRefusedError (see WalletRefusal).
   */
  async settle(input: SettleByWalletInput): Promise<SettleByWalletResult> {
    const walletNumber = normaliseWalletNumber(input.walletNumber);
    const transactionId = normaliseTransactionId(input.transactionId);
    const count = input.instalments;
    const fields = [
      ...(walletNumber ? [] : ['walletNumber']),
      ...(transactionId ? [] : ['transactionId']),
      ...(count === undefined || (Number.isSafeInteger(count) && count > 0) ? [] : ['instalments']),
      ...(typeof input.citizenSub === 'string' && input.citizenSub ? [] : ['citizenSub']),
    ];
    if (!walletNumber || !transactionId || fields.length) {
      throw new ValidationError(`invalid wallet payment: ${fields.join(', ')}`, { fields });
    }
    const demand = await this.demands.findByReference(input.reference);
    if (!demand || (input.payer && !isPayerOf(demand, input.payer))) throw new NotFoundError('demand not found');
    const { claim, leaseId } = await this.claim({
      walletNumber,
      transactionId,
      demand,
      citizenSub: input.citizenSub,
      ...(count !== undefined ? { instalmentCount: count } : {}),
    });
    return this.verify(claim, leaseId);
  }

  /**
   * Asks the wallet again about claims left `verifying` (an unknown answer, or a caller that
   * crashed) whose lease has run out, oldest first; for a scheduled job. Refusals end their claim
   * and are counted, not thrown.
   */
  async retryUnresolved(limit = 50): Promise<{ settled: number; refused: number; verifying: number }> {
    const tally = { settled: 0, refused: 0, verifying: 0 };
    const due = await this.claims
      .find({ status: 'verifying', leaseUntil: { $lte: this.now() } })
      .sort({ leaseUntil: 1, _id: 1 })
      .limit(limit)
      .lean<WalletTransferClaim[]>()
      .exec();
    for (const stale of due) {
      const taken = await this.takeLease(stale);
      if (!taken) continue;
      try {
        const result = await this.verify(taken.claim, taken.leaseId);
        tally[result.status] += 1;
      } catch (error) {
        if (!(error instanceof WalletTransferRefusedError)) throw error;
        tally.refused += 1;
      }
    }
    return tally;
  }

  /**
   * Tells payers of settled transfers whose receipt was issued but whose message was not recorded
   * (a notifier or database error right after the receipt), oldest first; for the sweep. Returns
   * how many were told. A message already recorded is not sent again (its dedupe key).
   */
  async notifyReceipts(limit = 50): Promise<number> {
    if (!this.notifications) return 0;
    const due = await this.claims
      .find({ status: 'settled', 'receipt.receiptId': { $exists: true }, 'receipt.notifiedAt': { $exists: false } })
      .sort({ settledAt: 1, _id: 1 })
      .limit(limit)
      .lean<WalletTransferClaim[]>()
      .exec();
    let told = 0;
    for (const claim of due) {
      const receipt = await receiptModel(this.conn).findById(claim.receipt?.receiptId).lean<Receipt>().exec();
      if (receipt && (await this.tellPayer(claim, receipt))) told += 1;
    }
    return told;
  }

  /** The claim of a transaction id as typed, or null. */
  findClaim(transactionId: string): Promise<WalletTransferClaim | null> {
    const id = normaliseTransactionId(transactionId);
    if (!id) return Promise.resolve(null);
    return this.claims.findById(claimIdOf(this.wallet.identifier, id)).lean<WalletTransferClaim>().exec();
  }

  /** Inserts the claim, or takes over a refused one, or resumes this payer's own unresolved one. */
  private async claim(req: {
    walletNumber: string;
    transactionId: string;
    demand: Demand;
    citizenSub: string;
    instalmentCount?: number;
  }): Promise<{ claim: WalletTransferClaim; leaseId: string }> {
    const _id = claimIdOf(this.wallet.identifier, req.transactionId);
    const attempt = {
      walletNumber: req.walletNumber,
      demandId: req.demand._id,
      demandReference: req.demand.reference,
      citizenSub: req.citizenSub,
    };
    for (let race = 0; race < CLAIM_RACES; race++) {
      const leaseId = randomUUID();
      const lease = { leaseId, leaseUntil: new Date(this.now().getTime() + this.leaseMs) };
      try {
        const created = await this.claims.create({
          _id,
          provider: this.wallet.identifier,
          transactionId: req.transactionId,
          ...attempt,
          ...(req.instalmentCount !== undefined ? { instalmentCount: req.instalmentCount } : {}),
          status: 'verifying',
          paymentId: walletPaymentIdOf(_id),
          ...lease,
          attempts: 0,
        });
        return { claim: created.toObject(), leaseId };
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
      }
      const existing = await this.claims.findById(_id).lean<WalletTransferClaim>().exec();
      if (!existing) continue;
      if (existing.status === 'settled') {
        throw new WalletTransferRefusedError(
          'already_used',
          `wallet transaction ${req.transactionId} has already been used to pay`,
        );
      }
      if (existing.status === 'refused') {
        // A refusal recorded nothing: the id is free for a corrected attempt.
        const count = req.instalmentCount;
        const retaken = await this.claims
          .findOneAndUpdate(
            { _id, status: 'refused' },
            {
              $set: {
                status: 'verifying',
                ...attempt,
                ...lease,
                ...(count !== undefined ? { instalmentCount: count } : {}),
              },
              $unset: {
                refusal: '',
                verified: '',
                instalments: '',
                lastUnknown: '',
                ...(count === undefined ? { instalmentCount: '' } : {}),
              },
            },
            { returnDocument: 'after' },
          )
          .lean<WalletTransferClaim>()
          .exec();
        if (retaken) return { claim: retaken, leaseId };
        continue;
      }
      // verifying: only the same payment (demand and wallet) may resume it, and only once its lease is free.
      if (existing.demandId !== attempt.demandId || existing.walletNumber !== attempt.walletNumber) {
        throw new WalletTransferRefusedError(
          'in_use',
          `wallet transaction ${req.transactionId} is being verified for another payment`,
        );
      }
      const taken = await this.takeLease(existing);
      if (taken) return taken;
      throw new WalletTransferRefusedError(
        'in_use',
        `wallet transaction ${req.transactionId} is being verified right now; try again shortly`,
      );
    }
    throw new ConflictError('the wallet transaction kept changing; try again');
  }

  /** The lease of a verifying claim whose lease has run out, or null when someone holds it. */
  private async takeLease(claim: WalletTransferClaim): Promise<{ claim: WalletTransferClaim; leaseId: string } | null> {
    const leaseId = randomUUID();
    const taken = await this.claims
      .findOneAndUpdate(
        { _id: claim._id, status: 'verifying', leaseUntil: { $lte: this.now() } },
        { $set: { leaseId, leaseUntil: new Date(this.now().getTime() + this.leaseMs) } },
        { returnDocument: 'after' },
      )
      .lean<WalletTransferClaim>()
      .exec();
    return taken ? { claim: taken, leaseId } : null;
  }

  /** Asks the wallet under the claim's lease and acts on the answer. */
  private async verify(claim: WalletTransferClaim, leaseId: string): Promise<SettleByWalletResult> {
    await this.bump(claim, leaseId);
    let answer: TransferVerification;
    try {
      answer = await this.wallet.verifyTransfer({
        walletNumber: claim.walletNumber,
        transactionId: claim.transactionId,
        ...(this.payee ? { expectedPayee: this.payee } : {}),
      });
    } catch (error) {
      // A bug or a broken client is no answer either: the claim waits, and the error is reported.
      await this.release(claim, leaseId, (error as Error).message);
      throw error;
    }
    switch (answer.status) {
      case 'unknown': {
        const released = await this.release(claim, leaseId, answer.reason);
        return { status: 'verifying', claim: released ?? claim, reason: answer.reason };
      }
      case 'not_found':
        return this.refuse(claim, leaseId, 'not_found', `the wallet has no transaction ${claim.transactionId}`);
      case 'mismatch':
        return answer.field === 'walletNumber'
          ? this.refuse(
              claim,
              leaseId,
              'wallet_mismatch',
              `transaction ${claim.transactionId} was not paid from wallet ${claim.walletNumber}`,
            )
          : this.refuse(claim, leaseId, 'payee_mismatch', `transaction ${claim.transactionId} was not paid to us`);
      case 'verified':
        return this.record(claim, leaseId, answer);
    }
  }

  /** A verified transfer: checks it pays the next instalments exactly, records them, issues the receipt. */
  private async record(
    claim: WalletTransferClaim,
    leaseId: string,
    transfer: Extract<TransferVerification, { status: 'verified' }>,
  ): Promise<SettleByWalletResult> {
    const demand = await this.demands.findById(claim.demandId);
    if (!demand) return this.refuse(claim, leaseId, 'not_payable', 'the demand is gone');
    const day = indianDayOf(transfer.paidAt);
    const plan = paymentPlan(demand, claim, transfer, day);
    if (!plan.ok) return this.refuse(claim, leaseId, plan.reason, plan.message, plan.details);

    const verified = {
      amountMinor: transfer.amountMinor,
      currency: transfer.currency,
      paidAt: transfer.paidAt,
      payerWallet: transfer.payerWallet,
      payee: transfer.payee,
      day,
    };
    const held = await this.claims
      .updateOne(
        { _id: claim._id, status: 'verifying', leaseId },
        { $set: { verified, instalments: plan.instalments } },
      )
      .exec();
    if (held.matchedCount === 0) throw new ConflictError('the wallet transaction is being verified by another request');

    let recorded: { demand: Demand; recorded: boolean };
    try {
      recorded = await this.demands.recordPayment(demand._id, {
        paymentId: claim.paymentId,
        instalments: plan.instalments,
        amountMinor: transfer.amountMinor,
        paidAt: transfer.paidAt,
        day,
      });
    } catch (error) {
      if (error instanceof PaymentRefusedError) {
        return this.refuse(claim, leaseId, error.reason, error.message, error.details ?? {});
      }
      await this.release(claim, leaseId, (error as Error).message);
      throw error;
    }

    const settled = await this.claims
      .findOneAndUpdate(
        { _id: claim._id, status: 'verifying' },
        { $set: { status: 'settled', settledAt: this.now(), leaseUntil: RELEASED }, $unset: { lastUnknown: '' } },
        { returnDocument: 'after' },
      )
      .lean<WalletTransferClaim>()
      .exec();
    const final = settled ?? (await this.claims.findById(claim._id).lean<WalletTransferClaim>().exec()) ?? claim;
    if (!this.receipts)
      return { status: 'settled', claim: final, demand: recorded.demand, recorded: recorded.recorded };
    const receipt = await issueWalletReceipt(this.conn, recorded.demand, {
      paymentId: claim.paymentId,
      citizenSub: claim.citizenSub,
      transactionId: claim.transactionId,
      paidAt: transfer.paidAt,
      instalments: plan.instalments,
    });
    await this.claims
      .updateOne(
        { _id: claim._id, receipt: { $exists: false } },
        { $set: { receipt: { receiptId: receipt._id, issuedAt: receipt.issuedAt } } },
      )
      .exec();
    // The money is recorded: a failure to tell the payer is left to notifyReceipts (the sweep).
    await this.tellPayer(claim, receipt).catch(() => false);
    return {
      status: 'settled',
      claim: { ...final, receipt: { receiptId: receipt._id, issuedAt: receipt.issuedAt } },
      demand: recorded.demand,
      recorded: recorded.recorded,
      receiptId: receipt._id,
    };
  }

  /**
   * Sends the payer the `payment_confirmed` message of the receipt (keyed on the receipt number, so
   * once per receipt), then marks the claim's receipt notified. True when it was recorded now.
   */
  private async tellPayer(claim: WalletTransferClaim, receipt: Receipt): Promise<boolean> {
    if (!this.notifications) return false;
    // Names the provider, the demand and what remains, as a checkout's confirmation does.
    await this.notifications.notify(receiptConfirmedEvent(receipt));
    const marked = await this.claims
      .updateOne(
        { _id: claim._id, 'receipt.receiptId': receipt._id, 'receipt.notifiedAt': { $exists: false } },
        { $set: { 'receipt.notifiedAt': this.now() } },
      )
      .exec();
    return marked.modifiedCount > 0;
  }

  /** Ends the claim as refused (nothing recorded, the id free again) and throws the refusal. */
  private async refuse(
    claim: WalletTransferClaim,
    leaseId: string,
    reason: WalletRefusal,
    message: string,
    details: Record<string, unknown> = {},
  ): Promise<never> {
    await this.claims
      .updateOne(
        { _id: claim._id, status: 'verifying', leaseId },
        { $set: { status: 'refused', refusal: { reason, message, at: this.now() }, leaseUntil: RELEASED } },
      )
      .exec();
    throw new WalletTransferRefusedError(reason, message, details);
  }

  /** Gives the lease back with the claim still verifying, so a retry can ask again. */
  private release(claim: WalletTransferClaim, leaseId: string, why: string): Promise<WalletTransferClaim | null> {
    return this.claims
      .findOneAndUpdate(
        { _id: claim._id, status: 'verifying', leaseId },
        { $set: { leaseUntil: RELEASED, lastUnknown: why.slice(0, 500) } },
        { returnDocument: 'after' },
      )
      .lean<WalletTransferClaim>()
      .exec();
  }

  private async bump(claim: WalletTransferClaim, leaseId: string): Promise<void> {
    await this.claims.updateOne({ _id: claim._id, leaseId }, { $inc: { attempts: 1 } }).exec();
  }
}
