import type { Logger } from '../../infra/logger.js';
import { BillClaims, failLinesPaidElsewhere } from '../bill-claims/index.js';
import type { GatewayEvent, GatewayOrder, PaymentGateway } from '../gateway/index.js';
import type { Ledger } from '../ledger/index.js';
import { type Payment, type PaymentStore, UNPAID_FINAL_STATUSES } from '../payments/index.js';
import { RiskCheck } from '../risk/risk-check.js';
import { settlementWaitsForReview } from '../risk/risk-state.js';

/** Starts settling a payment's lines (enqueues one job per line); must be safe to call twice. */
export type StartSettlement = (payment: Payment) => Promise<void>;

/** Statuses a capture may move a payment out of (see the state machine): on time, or late. */
const NOT_YET_CAPTURED = ['awaiting_payment', 'failed', 'expired', 'cancelled'] as const;

/** Why a capture cannot be settled as it is, or undefined when it matches the payment exactly. */
function captureMismatch(payment: Payment, order: GatewayOrder): string | undefined {
  const currency = order.capturedCurrency ?? order.currency;
  if (currency !== payment.currency) return `captured ${order.capturedMinor} ${currency}, expected ${payment.currency}`;
  if (order.capturedMinor !== payment.totalMinor) {
    return `captured ${order.capturedMinor} ${currency}, expected ${payment.totalMinor} ${payment.currency}`;
  }
  return undefined;
}

/**
 * Brings a payment in line with its gateway order. Webhooks only say "look again": the order
 * is read back from the gateway, so a forged, duplicated or out-of-order event cannot move
 * money by itself, and every step is a conditional update that happens once.
 *
 * A capture must match the payment's total and currency exactly, or the payment is held for an
 * operator and nothing is settled (issue 8, hole 2). A capture that arrives for a failed,
 * expired or cancelled payment is still taken (a late capture): each line whose bill another
 * payment paid meanwhile fails with `bill_already_paid`, so settlement refunds it; the others
 * settle (hole 5).
 */
export class PaymentCapture {
  private readonly claims: BillClaims;
  private readonly risk: Pick<RiskCheck, 'atCapture' | 'captureHits'>;

  constructor(
    private readonly payments: PaymentStore,
    private readonly ledger: Ledger,
    private readonly gateway: PaymentGateway,
    private readonly startSettlement: StartSettlement,
    private readonly log: Logger,
    claims?: BillClaims,
    /** The capture's fraud checks (hub/risk); the operator's rules on the payments' connection when not given. */
    risk?: Pick<RiskCheck, 'atCapture' | 'captureHits'>,
  ) {
    this.claims = claims ?? new BillClaims(payments, gateway, log);
    this.risk = risk ?? new RiskCheck(payments.model);
  }

  async onWebhook(event: GatewayEvent): Promise<void> {
    const payment = await this.payments.findById(event.paymentId);
    if (!payment || payment.gateway?.orderId !== event.orderId) {
      this.log.warn({ event: event.id, type: event.type }, 'gateway event for no payment of ours');
      return;
    }
    if (event.type.startsWith('order.')) await this.sync(payment, true);
  }

  /**
   * Polls the gateway for the payment's order and applies what it says. `fresh`: the payment was
   * read just now, before the gateway was asked, so apply need not read it again.
   */
  async sync(payment: Payment, fresh = false): Promise<Payment> {
    const orderId = payment.gateway?.orderId;
    if (!orderId) return payment;
    return this.apply(payment, await this.gateway.getOrder(orderId), fresh);
  }

  /**
   * Applies what the gateway says of the payment's order; returns the payment as it then is.
   * `fresh`: `payment` was read for this call (a webhook's lookup), so it is not read again; a stale
   * status costs nothing, since every step below is a conditional update on the status it leaves.
   */
  async apply(payment: Payment, order: GatewayOrder, fresh = false): Promise<Payment> {
    if (order.status === 'failed') {
      return (
        (await this.payments.transitionPayment(
          payment._id,
          ['created', 'awaiting_payment'],
          'failed',
          'payment_failed',
          // The declined card's fingerprint, for the risk rule on declines by card.
          order.instrument ? { gateway: { instrument: order.instrument } } : undefined,
        )) ?? payment
      );
    }
    if (order.status !== 'captured') return payment;

    let current = fresh ? payment : ((await this.payments.findById(payment._id)) ?? payment);
    // An order recorded while the payment was still created (a crash, a race with expiry): move
    // it on first, so the capture has a status to leave from.
    if (current.status === 'created') current = await this.leaveCreated(current);

    const gateway = {
      orderId: order.orderId,
      ...(order.method ? { method: order.method } : {}),
      ...(order.capturedMinor > 0 ? { capturedMinor: order.capturedMinor } : {}),
      capturedCurrency: order.capturedCurrency ?? order.currency,
      ...(order.instrument ? { instrument: order.instrument } : {}),
    };
    const mismatch = captureMismatch(current, order);
    if (mismatch) return this.hold(current, order, gateway, mismatch);

    // The usual capture, on time, with nothing to stop it: captured and settling in one write.
    if (current.status === 'awaiting_payment') {
      const settling = await this.captureOnTime(current, order, gateway);
      if (settling) {
        // Recorded by key, as on the two-step path: the books hold the capture before any line moves money.
        await this.ledger.recordCapture(settling);
        await this.startSettlement(settling);
        return settling;
      }
    }
    const late = UNPAID_FINAL_STATUSES.includes(current.status);
    const moved = await this.payments.transitionPayment(
      payment._id,
      [...NOT_YET_CAPTURED],
      'captured',
      'payment_captured',
      { gateway },
      late ? `late capture: the payment was ${current.status}` : undefined,
    );
    const captured = moved ?? (await this.payments.findById(payment._id)) ?? current;
    if (captured.status !== 'captured') return captured;
    const failed = await failLinesPaidElsewhere(
      { payments: this.payments, claims: this.claims, applyCapture: (other, found) => this.apply(other, found) },
      captured,
    );
    const withLines = failed.length > 0 ? ((await this.payments.findById(payment._id)) ?? captured) : captured;
    // Recorded by key: a second event for the same capture writes nothing.
    await this.ledger.recordCapture(withLines);
    // Risk hook: a payment with a review pending (from checkout or from this capture) waits for an operator.
    const checked = await this.risk.atCapture(withLines, order);
    if (settlementWaitsForReview(checked)) return checked;
    // The move to settling takes every pending line to posting in the same update (one write, not
    // one per line); when a line moved meanwhile, the payment alone moves and the jobs move the lines.
    const settling =
      (await this.payments.startSettling(withLines, 'settlement_started')) ??
      (await this.payments.transitionPayment(withLines._id, 'captured', 'settling', 'settlement_started'));
    if (settling) await this.startSettlement(settling);
    return settling ?? withLines;
  }

  /**
   * The on-time capture of an awaiting payment in one write (PaymentStore.captureAndSettle): the
   * payment goes to settling with its lines posting, skipping the stop at captured. What the two-step
   * path does at captured is checked first, and any finding sends the capture down that path instead
   * (null here):
   * - every line's bill claim is still the payment's (one keyed read). While the payment awaits
   *   payment, nobody takes a claim from it without cancelling its gateway order first, and an order
   *   the gateway captured cannot be cancelled (the newer checkout applies the capture instead), so
   *   the claims read here cannot be lost before the write; a late capture (failed, expired or
   *   cancelled payment) is never folded, since its claims may move at any time;
   * - no risk review holds the payment, and no capture rule fires (RiskCheck.captureHits, which
   *   records nothing: atCapture on the two-step path records what fires).
   * The capture's ledger movement follows the write (apply); should it be lost, the settlement books
   * it with the lines' movements (bookMissingMovements in hub/settlement), as reconciliation would.
   */
  private async captureOnTime(
    payment: Payment,
    order: GatewayOrder,
    gateway: NonNullable<Payment['gateway']>,
  ): Promise<Payment | null> {
    if (settlementWaitsForReview(payment)) return null;
    const pending = payment.lines.filter((line) => line.status === 'pending');
    if (pending.length === 0 || pending.length !== payment.lines.length) return null;
    const [held, hits] = await Promise.all([
      this.claims.heldBy(
        payment._id,
        pending.map((line) => line.billKey),
      ),
      this.risk.captureHits(payment, order),
    ]);
    if (hits.length > 0 || pending.some((line) => !held.has(line.billKey))) return null;
    return this.payments.captureAndSettle(payment, gateway, {
      captured: 'payment_captured',
      settling: 'settlement_started',
    });
  }

  private async leaveCreated(payment: Payment): Promise<Payment> {
    const moved =
      (await this.payments.transitionPayment(payment._id, 'created', 'awaiting_payment', 'order_created')) ??
      (await this.payments.transitionPayment(payment._id, 'created', 'expired', 'checkout_expired'));
    return moved ?? (await this.payments.findById(payment._id)) ?? payment;
  }

  /**
   * The capture does not match: the payment waits for an operator, and what the gateway took is
   * booked, in the currency it took it, to the ledger's payments:held account.
   */
  private async hold(
    payment: Payment,
    order: GatewayOrder,
    gateway: Payment['gateway'],
    detail: string,
  ): Promise<Payment> {
    const held = await this.payments.transitionPayment(
      payment._id,
      [...NOT_YET_CAPTURED],
      'held',
      'capture_mismatch',
      { gateway, hold: { reason: 'capture_mismatch', detail, at: new Date() } },
      detail,
    );
    const current = held ?? (await this.payments.findById(payment._id)) ?? payment;
    if (current.status !== 'held') return current;
    // What the gateway really took, in its own currency, sits in payments:held until an operator acts.
    if (order.capturedMinor > 0) await this.ledger.recordCapture(current);
    if (held) this.log.warn({ paymentId: payment._id, detail }, 'capture does not match the payment: held');
    return current;
  }
}
