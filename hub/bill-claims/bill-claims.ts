import { ConflictError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import { isDuplicateKeyError } from '../../infra/mongo.js';
import type { GatewayOrder, PaymentGateway } from '../gateway/index.js';
import type { Payment, PaymentStore } from '../payments/index.js';
import { type BillClaimModel, billClaimModel } from './bill-claim-model.js';
import { OPEN_CHECKOUT_STATUSES, paysBill } from './bill-status.js';

/**
 * What became of a claim on one bill:
 * - `held`: the payment holds the bill;
 * - `paid`: another payment pays it (see paysBill), named in `by`;
 * - `paying`: another checkout's gateway order turned out captured or pending when it was to be
 *   cancelled; `order` is what the gateway said, for the caller to apply.
 */
export type ClaimResult =
  | { kind: 'held' }
  | { kind: 'paid'; by: Payment }
  | { kind: 'paying'; by: Payment; order: GatewayOrder };

/** Contention is two tabs, not a crowd: a claim that keeps moving after this many rounds is a 503. */
const MAX_ROUNDS = 8;

export class BillClaimContendedError extends Error {}

/**
 * One payment at a time per bill (issue 8, holes 5 and 6). A payment claims each bill it pays; an
 * older unpaid checkout holding the bill is superseded: its gateway order is cancelled first (so
 * its page can take no money), then it moves to `cancelled` with `supersededBy`. Every step is a
 * single-document conditional update; a round that loses a race reads again.
 */
export class BillClaims {
  readonly model: BillClaimModel;

  constructor(
    private readonly payments: PaymentStore,
    private readonly gateway: Pick<PaymentGateway, 'cancelOrder'>,
    private readonly log?: Pick<Logger, 'info' | 'warn'>,
  ) {
    this.model = billClaimModel(payments.model.db);
  }

  /**
   * Claims `billKey` for `payment`. Throws BillClaimContendedError when the claim keeps moving,
   * and the gateway's errors (e.g. GatewayUnavailableError) when an older order cannot be
   * cancelled now: nothing is superseded then, and the call may be repeated.
   */
  async acquire(payment: Pick<Payment, '_id'>, billKey: string): Promise<ClaimResult> {
    // The usual case, a bill nobody has claimed, in one write; a duplicate key sends it to the rounds.
    if (await this.insert(billKey, payment._id)) return { kind: 'held' };
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const claim = await this.model.findById(billKey).lean().exec();
      if (!claim) {
        if (await this.insert(billKey, payment._id)) return { kind: 'held' };
        continue;
      }
      if (claim.paymentId === payment._id) return { kind: 'held' };
      const holder = await this.payments.findById(claim.paymentId);
      if (holder && paysBill(holder, billKey)) return { kind: 'paid', by: holder };
      if (holder && OPEN_CHECKOUT_STATUSES.includes(holder.status)) {
        const order = await this.supersede(holder, payment._id);
        if (order) return { kind: 'paying', by: holder, order };
      }
      const moved = await this.model
        .updateOne(
          { _id: billKey, paymentId: claim.paymentId },
          { $set: { paymentId: payment._id, claimedAt: new Date() } },
        )
        .exec();
      if (moved.modifiedCount === 1) return { kind: 'held' };
    }
    throw new BillClaimContendedError(`the claim on a bill of ${payment._id} kept moving`);
  }

  /**
   * The usual checkout, bills nobody has claimed, in one write: inserts a claim for each of
   * `billKeys` in the order given (callers give key order: two tabs meet on the same first bill)
   * and stops at the first bill already claimed, as claiming them one by one would. Returns the
   * keys `payment` holds afterwards; the caller runs `acquire` for the others, one by one.
   */
  async claimUnclaimed(payment: Pick<Payment, '_id'>, billKeys: readonly string[]): Promise<Set<string>> {
    if (billKeys.length === 0) return new Set();
    const claimedAt = new Date();
    try {
      await this.model.insertMany(
        billKeys.map((key) => ({ _id: key, paymentId: payment._id, claimedAt })),
        { ordered: true, lean: true },
      );
      return new Set(billKeys);
    } catch (error) {
      if (!isDuplicateKeyError(error) && !(error instanceof ConflictError)) throw error;
      // Some were inserted before the clash: the claims say which.
      return this.heldBy(payment._id, billKeys);
    }
  }

  /** Which of `billKeys` `paymentId` holds now: one keyed read for all of them. */
  async heldBy(paymentId: string, billKeys: readonly string[]): Promise<Set<string>> {
    const claims = await this.model
      .find({ _id: { $in: [...new Set(billKeys)] }, paymentId })
      .lean()
      .exec();
    return new Set(claims.map((c) => c._id));
  }

  /**
   * Whether `payment` still holds every one of its bills and no other payment pays one of them:
   * checked after its gateway order is made, since a newer checkout may have superseded it meanwhile.
   * Returns the id of a payment that took a bill away, or null when all is still ours.
   */
  async takenFrom(payment: Pick<Payment, '_id' | 'lines'>): Promise<string | null> {
    const keys = [...new Set(payment.lines.map((l) => l.billKey))];
    const claims = await this.model
      .find({ _id: { $in: keys } })
      .lean()
      .exec();
    // A payment that pays a bill holds its claim (see findBillPayers): the claims alone say it.
    const taken = claims.find((c) => c.paymentId !== payment._id);
    return taken?.paymentId ?? null;
  }

  private async insert(billKey: string, paymentId: string): Promise<boolean> {
    try {
      await this.model.create({ _id: billKey, paymentId, claimedAt: new Date() });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error) || error instanceof ConflictError) return false;
      throw error;
    }
  }

  /**
   * Cancels the older checkout's order at the gateway, then the checkout itself. Returns the
   * gateway's order when it was captured or pending instead (the older checkout is being paid).
   */
  private async supersede(older: Payment, newerId: string): Promise<GatewayOrder | undefined> {
    const orderId = older.gateway?.orderId;
    if (orderId) {
      const order = await this.gateway.cancelOrder(orderId);
      if (order.status === 'captured' || order.status === 'pending') return order;
    }
    const cancelled = await this.payments.transitionPayment(
      older._id,
      [...OPEN_CHECKOUT_STATUSES],
      'cancelled',
      'checkout_superseded',
      { supersededBy: newerId },
      `a newer checkout ${newerId} pays the same bill`,
    );
    if (!cancelled) return undefined;
    this.log?.info({ paymentId: older._id, supersededBy: newerId }, 'checkout superseded');
    // The older checkout recorded its order after it was read here: the cancelled document, read
    // in the same update, names it, so it is cancelled too and its page takes no money.
    const recordedMeanwhile = cancelled.gateway?.orderId;
    if (recordedMeanwhile && recordedMeanwhile !== orderId) {
      const order = await this.gateway.cancelOrder(recordedMeanwhile);
      if (order.status === 'captured' || order.status === 'pending') return order;
    }
    return undefined;
  }
}
