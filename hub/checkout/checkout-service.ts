import {
  type AmountCheck,
  type Bill,
  type ConsumerRef,
  checkAmount,
  type Exactness,
} from '../../adapters/sdk/index.js';
import { AppError, ConflictError, NotFoundError } from '../../infra/errors.js';
import { BillClaimContendedError, BillClaims, type ClaimResult, findBillPayers } from '../bill-claims/index.js';
import type { BillService } from '../bills/bill-service.js';
import { maskBillNumber, maskConsumer } from '../bills/consumer-key.js';
import { todayInIndia } from '../bills/indian-day.js';
import type { CreatedOrder, PaymentGateway } from '../gateway/index.js';
import { billKeyOf, hashRequest, type Payment, type PaymentStore, UNPAID_FINAL_STATUSES } from '../payments/index.js';
import { lineBillFacts } from '../receipts/bill-facts.js';
import { RiskCheck } from '../risk/risk-check.js';
import type { RiskMarks } from '../risk/risk-state.js';
import { billRefMatches, billRefOf } from '../saved-accounts/bill-ref.js';
import { findOwnedAccount } from '../saved-accounts/find-owned-account.js';
import {
  type SavedAccountDoc,
  type SavedAccountModel,
  savedAccountModel,
} from '../saved-accounts/saved-account-model.js';
import { billOfOption } from './amount-option-bill.js';
import { type CheckoutBody, type CheckoutLine, duplicateLine } from './checkout-request.js';
import type { PaymentCapture } from './payment-capture.js';

export interface CheckoutResult {
  payment: Payment;
  checkoutUrl: string;
  /** false when the idempotency key had already made this checkout. */
  created: boolean;
}

export interface CheckoutOptions {
  returnUrl: string;
  ttlMinutes: number;
}

/** What a checkout needs besides the store, the billers and the gateway. */
export interface CheckoutParts {
  /** Applies a capture found while superseding an older checkout of the same bill. */
  capture: Pick<PaymentCapture, 'apply'>;
  /** Made from the store and the gateway when not given. */
  claims?: BillClaims;
  /** Saved accounts a line may name (`accountId`); the payments' own connection's when not given. */
  accounts?: SavedAccountModel;
  /** The checkout's fraud checks (hub/risk); the operator's rules on the payments' connection when not given. */
  risk?: Pick<RiskCheck, 'checkCheckout' | 'recordMarks'>;
}

/**
 * One checkout = one payment with one line per bill, each bill fetched fresh and its amount
 * checked against the biller's exactness (or, for a bill with amount options, against those: one
 * of them exactly), then one gateway order for the total.
 *
 * Idempotency keys (issue 8, hole 11): the first successful answer (payment id and checkout URL)
 * is stored on the payment and replayed as it was, without calling the gateway, for as long as the
 * payment exists; payments are never deleted, so a key (per citizen) is bound to its first request
 * for good. A key with another request body is a 409 `idempotency_key_reused`. A replay for a
 * payment that has failed, expired or been cancelled hands out no payable URL: it is a 410
 * `checkout_closed` ("start a new one"), since its gateway order can take no money.
 *
 * One bill, one payment (holes 5 and 6): a bill that another payment pays is refused with 409
 * `bill_already_paid`; a bill in an older unpaid checkout supersedes that checkout (see BillClaims).
 */
export class CheckoutService {
  private readonly claims: BillClaims;
  private readonly capture: Pick<PaymentCapture, 'apply'>;
  private readonly accounts: SavedAccountModel;
  private readonly risk: Pick<RiskCheck, 'checkCheckout' | 'recordMarks'>;

  constructor(
    private readonly payments: PaymentStore,
    private readonly bills: BillService,
    private readonly gateway: PaymentGateway,
    private readonly options: CheckoutOptions,
    parts: CheckoutParts,
  ) {
    this.capture = parts.capture;
    this.claims = parts.claims ?? new BillClaims(payments, gateway);
    this.accounts = parts.accounts ?? savedAccountModel(payments.model.db);
    this.risk = parts.risk ?? new RiskCheck(payments.model);
  }

  /**
   * Makes (or replays) the checkout for `idempotencyKey`. Throws AppError 409 `bill_already_paid`
   * (details.paymentId), 409 `bill_payment_pending`, 409 `checkout_superseded`, 410 `checkout_closed`,
   * 409 `idempotency_key_reused`, 409 `bill_changed`, 422 `amount_not_allowed`, 422 `duplicate_bill`
   * (two lines for one bill), and the gateway's GatewayUnavailableError (503: the same key may be
   * retried). `payerInfo.name` (from the access token) is kept for the receipt.
   */
  async checkout(
    citizenSub: string,
    idempotencyKey: string,
    body: CheckoutBody,
    payerInfo: { name?: string } = {},
  ): Promise<CheckoutResult> {
    const duplicate = duplicateLine(body);
    if (duplicate !== undefined) throw duplicateBill(duplicate);
    const requestHash = hashRequest(body);
    // A retry must not ask every biller again: the first answer is returned as it was.
    const existing = await this.payments.model.findOne({ citizenSub, idempotencyKey }).lean<Payment>().exec();
    if (existing) {
      if (existing.requestHash !== requestHash) throw idempotencyConflict();
      return this.resume(existing, false);
    }

    const day = todayInIndia();
    const lines = await Promise.all(
      body.lines.map(async (line, index) => {
        const named = await this.consumerOf(citizenSub, line, index);
        const { descriptor } = this.bills.biller(named.billerId);
        // The normalised consumer: the line's billKey and mask match a saved account's and /dues'.
        const { bill, consumer } = await this.bills.fetch(named.billerId, named.consumer, { fresh: true });
        if (!sameBill(named.account, line, bill.billNumber)) {
          // A saved account's bill number is only ever shown masked (it may embed the consumer).
          const current = named.account
            ? {
                currentBillNumberMasked: maskBillNumber(bill.billNumber),
                currentBillRef: billRefOf(named.account, bill.billNumber),
              }
            : { currentBillNumber: bill.billNumber };
          const shown = current.currentBillNumber ?? current.currentBillNumberMasked;
          throw new AppError(409, 'bill_changed', `lines.${index}: the current bill is ${shown}`, {
            line: index,
            ...current,
          });
        }
        const check = checkAmount(bill, descriptor.exactness, line.amountMinor, day);
        if (!check.ok) throw amountNotAllowed(index, check, descriptor.exactness, bill);
        return {
          billerId: named.billerId,
          consumer,
          consumerMasked: maskConsumer(descriptor, consumer),
          billNumber: bill.billNumber,
          amountMinor: line.amountMinor,
          // What the receipt shows: the bill, or the amount option paid when it is not the first.
          bill: lineBillFacts(check.option ? billOfOption(bill, check.option) : bill, day),
        };
      }),
    );
    // The same bill in two forms (a saved account, and its biller and consumer) is found only now.
    const keys = lines.map(billKeyOf);
    const again = keys.findIndex((key, i) => keys.indexOf(key) !== i);
    if (again !== -1) throw duplicateBill(again);
    // Refused before anything is stored: the common case of paying a paid bill again.
    const [payer] = await findBillPayers(this.payments.model, keys);
    if (payer) throw billAlreadyPaid(payer.paymentId, payer.status);

    let made: { payment: Payment; created: boolean };
    try {
      made = await this.payments.create({
        citizenSub,
        idempotencyKey,
        requestHash,
        lines,
        ttlMs: this.options.ttlMinutes * 60_000,
        payerName: payerInfo.name,
      });
    } catch (error) {
      if (error instanceof ConflictError) throw idempotencyConflict();
      throw error;
    }
    if (!made.created) return this.resume(made.payment, false);
    // Risk hook: the checkout rules run once, before the gateway order, so a review is open before
    // any capture; flag-only hits are written with the move to awaiting_payment.
    const checked = await this.risk.checkCheckout(made.payment);
    return this.resume(checked.payment, true, checked.flags);
  }

  /**
   * Whose bill a line pays: its own biller and consumer, or those of the citizen's saved account it
   * names. An account id that is unknown or another citizen's is a 404 `account_not_found`.
   */
  private async consumerOf(
    citizenSub: string,
    line: CheckoutLine,
    index: number,
  ): Promise<{ billerId: string; consumer: ConsumerRef; account?: SavedAccountDoc }> {
    if (line.accountId === undefined) return { billerId: line.billerId ?? '', consumer: line.consumer ?? {} };
    try {
      const account = await findOwnedAccount(this.accounts, citizenSub, line.accountId);
      return { billerId: account.billerId, consumer: account.consumer, account };
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new AppError(404, 'account_not_found', `lines.${index}: no saved account ${line.accountId}`, {
          line: index,
        });
      }
      throw error;
    }
  }

  /**
   * Takes a payment as far as a payable checkout: its bills claimed, its gateway order made and
   * recorded, and that answer stored. Repeatable at every step (a retry after a 503 lands here).
   * `flags`: the new payment's flag-only risk marks, written with its move to awaiting_payment, or
   * on their own when the checkout stops before that move (refused, lapsed, gateway down).
   */
  private async resume(payment: Payment, created: boolean, flags?: RiskMarks): Promise<CheckoutResult> {
    const written = { flags: flags === undefined };
    let result: CheckoutResult;
    try {
      result = await this.open(payment, created, flags, written);
    } catch (error) {
      // The checkout's own error is the answer; a failure to record the flags as well adds nothing to it.
      if (!written.flags && flags) await this.risk.recordMarks(payment, flags).catch(() => undefined);
      throw error;
    }
    if (!written.flags && flags) await this.risk.recordMarks(payment, flags);
    return result;
  }

  /** resume's steps; sets `written.flags` once `flags` are stored with the move to awaiting_payment. */
  private async open(
    payment: Payment,
    created: boolean,
    flags: RiskMarks | undefined,
    written: { flags: boolean },
  ): Promise<CheckoutResult> {
    if (UNPAID_FINAL_STATUSES.includes(payment.status)) {
      throw created && payment.supersededBy ? checkoutSuperseded(payment.supersededBy) : checkoutClosed(payment);
    }
    if (payment.status === 'created' && payment.expiresAt.getTime() <= Date.now()) throw checkoutClosed(payment);
    // The first answer, replayed as it was: no gateway call, so a replay works while it is down.
    if (payment.status !== 'created' && payment.gateway?.checkoutUrl) {
      return { payment, checkoutUrl: payment.gateway.checkoutUrl, created };
    }
    if (payment.status === 'created') await this.claimBills(payment);

    const order = await this.gateway.createOrder({
      paymentId: payment._id,
      amountMinor: payment.totalMinor,
      currency: payment.currency,
      returnUrl: `${this.options.returnUrl}?payment=${payment._id}`,
      description: `${payment.lines.length} bill${payment.lines.length === 1 ? '' : 's'}`,
      expiresAt: payment.expiresAt,
    });
    // The common case in one write: the order recorded with the move to awaiting_payment (and the
    // flag-only risk marks). When the move is refused (lapsed, superseded), the order is still
    // recorded on its own (hole 1).
    const opened = await this.payments.openCheckout(
      payment._id,
      { orderId: order.orderId, checkoutUrl: order.checkoutUrl },
      payment.status === 'created' ? flags : undefined,
    );
    written.flags ||= opened.flagged;
    const moved = opened.payment;
    if (!moved) await this.recordOrder(payment._id, order);
    const current = moved ?? (await this.payments.findById(payment._id)) ?? payment;
    if (current.status === 'created' || UNPAID_FINAL_STATUSES.includes(current.status)) {
      // Lapsed or superseded while the order was made: the order must not stay payable. A request
      // answered for the first time learns it lost the bill; a replay, that its checkout is closed.
      await this.closeOrder(current, order.orderId);
      if (created && current.supersededBy) throw checkoutSuperseded(current.supersededBy);
      throw checkoutClosed(current);
    }
    if (current.status === 'awaiting_payment') {
      const takenBy = await this.claims.takenFrom(current);
      if (takenBy) {
        await this.closeOrder(current, order.orderId);
        await this.payments.transitionPayment(
          current._id,
          'awaiting_payment',
          'cancelled',
          'checkout_superseded',
          { supersededBy: takenBy },
          `payment ${takenBy} took one of its bills`,
        );
        throw checkoutSuperseded(takenBy);
      }
    }
    return { payment: current, checkoutUrl: order.checkoutUrl, created };
  }

  /** Claims every bill of a new payment, in key order (two tabs meet on the same first bill). */
  private async claimBills(payment: Payment): Promise<void> {
    const keys = [...new Set(payment.lines.map((line) => line.billKey))].sort();
    const held = await this.claims.claimUnclaimed(payment, keys);
    for (const key of keys) {
      if (held.has(key)) continue;
      let claim: ClaimResult;
      try {
        claim = await this.claims.acquire(payment, key);
      } catch (error) {
        if (error instanceof BillClaimContendedError) {
          throw new AppError(503, 'checkout_contended', 'another checkout for the same bill is under way; try again');
        }
        throw error;
      }
      if (claim.kind === 'held') continue;
      if (claim.kind === 'paying' && claim.order.status === 'captured') {
        // The older checkout was paid after all: take its capture now, then refuse this one.
        await this.capture.apply(claim.by, claim.order);
      }
      const pending = claim.kind === 'paying' && claim.order.status === 'pending';
      await this.payments.transitionPayment(
        payment._id,
        'created',
        'failed',
        'checkout_refused',
        undefined,
        `${pending ? 'being paid' : 'paid'} by ${claim.by._id}`,
      );
      if (pending) {
        throw new AppError(409, 'bill_payment_pending', `checkout ${claim.by._id} for this bill is being paid`, {
          paymentId: claim.by._id,
        });
      }
      throw billAlreadyPaid(claim.by._id, claim.by.status);
    }
  }

  /**
   * Records the order on the payment whatever its status, once (only when none is recorded): a
   * capture of it must find its payment even if the payment expired meanwhile (hole 1).
   */
  private async recordOrder(paymentId: string, order: CreatedOrder): Promise<void> {
    await this.payments.model
      .updateOne(
        { _id: paymentId, 'gateway.orderId': { $exists: false } },
        { $set: { 'gateway.orderId': order.orderId, 'gateway.checkoutUrl': order.checkoutUrl } },
      )
      .exec();
    // An order recorded before checkout URLs were kept gets its URL now.
    await this.payments.model
      .updateOne(
        { _id: paymentId, 'gateway.orderId': order.orderId, 'gateway.checkoutUrl': { $exists: false } },
        { $set: { 'gateway.checkoutUrl': order.checkoutUrl } },
      )
      .exec();
  }

  /** Cancels an order nobody may pay any more; one paid in the meantime is applied as a (late) capture. */
  private async closeOrder(payment: Payment, orderId: string): Promise<void> {
    const order = await this.gateway.cancelOrder(orderId);
    if (order.status === 'captured') await this.capture.apply(payment, order);
  }
}

function idempotencyConflict(): AppError {
  return new AppError(409, 'idempotency_key_reused', 'this Idempotency-Key was used for a different checkout');
}

/** 409: another payment pays the bill; details name it and its status (`paymentStatus`). */
function billAlreadyPaid(paymentId: string, paymentStatus: string): AppError {
  return new AppError(409, 'bill_already_paid', `this bill is already paid (or being paid) by payment ${paymentId}`, {
    paymentId,
    paymentStatus,
  });
}

/** 410: a replayed checkout whose payment can no longer be paid; start a new one. */
function checkoutClosed(payment: Payment): AppError {
  return new AppError(410, 'checkout_closed', `this checkout is ${payment.status}: start a new one`, {
    paymentId: payment._id,
    paymentStatus: payment.status,
    ...(payment.supersededBy ? { supersededBy: payment.supersededBy } : {}),
  });
}

/** 409: a newer checkout took one of this checkout's bills while it was being made. */
function checkoutSuperseded(by: string): AppError {
  return new AppError(409, 'checkout_superseded', `another checkout (${by}) pays one of these bills`, {
    paymentId: by,
  });
}

/** 422 `duplicate_bill`: line `index` names the same bill as an earlier line of the checkout. */
function duplicateBill(index: number): AppError {
  return new AppError(422, 'duplicate_bill', `lines.${index}: the same bill as an earlier line`, { line: index });
}

/** Whether a line names the bill fetched now: by its number, or by a saved account's bill ref. */
function sameBill(account: SavedAccountDoc | undefined, line: CheckoutLine, billNumber: string): boolean {
  if (line.billRef !== undefined) return account !== undefined && billRefMatches(account, billNumber, line.billRef);
  return line.billNumber === billNumber;
}

/**
 * 422 `amount_not_allowed`: line `index` offers an amount the bill does not take today. Details:
 * `line`, `payableMinor` (the amount due today), `exactness`, and for a bill with amount options
 * `amountOptions` (each `code`, `label`, `amountMinor`): the only amounts it takes.
 */
function amountNotAllowed(
  index: number,
  check: Extract<AmountCheck, { ok: false }>,
  exactness: Exactness,
  bill: Bill,
): AppError {
  const options = bill.amountOptions?.map(({ code, label, amountMinor }) => ({ code, label, amountMinor }));
  const allowed = options ? `: one of ${options.map((o) => o.amountMinor).join(', ')} paise` : ` (${exactness})`;
  return new AppError(422, 'amount_not_allowed', `lines.${index}: ${check.reason}${allowed}`, {
    line: index,
    payableMinor: check.payableMinor,
    exactness,
    ...(options ? { amountOptions: options } : {}),
  });
}
