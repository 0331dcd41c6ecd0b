import type { BillerRegistry } from '../../adapters/registry/index.js';
import { ConflictError } from '../../infra/errors.js';
import { type Connection, withoutUndefined } from '../../infra/mongo.js';
import type { HubConfig } from '../config.js';
import { heldRefundKey, type Payment, type PaymentLine } from '../payments/payment-model.js';
import { isFinalPaymentStatus } from '../payments/state-machine.js';
import { checkoutLineDemand } from './receipt-demand.js';
import { type Receipt, type ReceiptModel, type ReceiptRefund, receiptModel } from './receipt-model.js';
import { bindingOf, type ReceiptBinding, ReceiptTokens } from './receipt-tokens.js';
import type { ReceiptView, VerifiedReceipt } from './receipt-view.js';
import { receiptView, verifiedView } from './receipt-views.js';

/** Where a receipt's QR code points, and the keys that sign it. */
export interface ReceiptServiceOptions {
  /** The hub's public URL: verifyUrl = `<publicUrl>/verify?t=<token>`. */
  publicUrl?: string;
  /** Signs and reads verification tokens; a random per-process key when not given. */
  tokens?: ReceiptTokens;
}

/** The facts a receipt's token is bound to. */
const bindingFacts = (receipt: Receipt): ReceiptBinding => ({
  receiptNumber: receipt._id,
  paymentId: receipt.paymentId,
  currency: receipt.currency,
  totalMinor: receipt.totalMinor,
});

/** A line that went to refund: its money, key and the time the gateway confirmed it. */
function refundOf(payment: Payment, line: PaymentLine): ReceiptRefund {
  const done = payment.timeline.find((entry) => entry.lineId === line._id && entry.event === 'refund.succeeded');
  return {
    lineId: line._id,
    amountMinor: line.amountMinor,
    ...(line.refundKey ? { reference: line.refundKey } : {}),
    ...(done ? { at: done.at } : {}),
    status: line.status,
  };
}

/**
 * The refund of a held payment's whole capture (state-machine.ts: held → refunded): what the
 * gateway took, under its refund key (heldRefundKey: the payment id),
 * at the moment the payment moved to refunded. Undefined for any other payment.
 */
function heldCaptureRefund(payment: Payment): ReceiptRefund | undefined {
  if (payment.status !== 'refunded' || !payment.hold) return undefined;
  const done = payment.timeline.find((entry) => entry.from === 'held' && entry.to === 'refunded');
  return {
    amountMinor: payment.gateway?.capturedMinor ?? payment.totalMinor,
    reference: heldRefundKey(payment),
    ...(done ? { at: done.at } : {}),
    status: 'refunded',
  };
}

/**
 * Receipts are issued once per payment, when it reaches a final state, and their facts never change. The
 * citizen's view and the public verification both come from the stored receipt.
 */
export class ReceiptService {
  private readonly model: ReceiptModel;
  private readonly tokens: ReceiptTokens;
  private readonly publicUrl: string;

  constructor(
    private readonly conn: Connection,
    private readonly billers: BillerRegistry,
    options: ReceiptServiceOptions = {},
  ) {
    this.model = receiptModel(conn);
    this.tokens = options.tokens ?? new ReceiptTokens([]);
    this.publicUrl = (options.publicUrl ?? 'http://localhost:3000').replace(/\/+$/, '');
  }

  /** Builds the indexes: the unique payment id is what makes issuing idempotent. */
  async init(): Promise<void> {
    await this.model.init();
  }

  /**
   * The receipt of a final payment, built and not stored; null while the payment is not final.
   * Records what the receipt shows: payer name, gateway reference and method, each line's bill facts
   * (as kept at checkout) and status, the payment demand a line paid (receipt-demand.ts), and the
   * refunds, under the number RCT + the payment id's tail. The demand and the biller's name are read
   * now, so a receipt built later may differ: the issue-receipt job stores one before it tells it,
   * and a retry tells the stored one.
   */
  async build(payment: Payment): Promise<Receipt | null> {
    if (!isFinalPaymentStatus(payment.status)) return null;
    const demands = await Promise.all(payment.lines.map((line) => checkoutLineDemand(this.conn, line)));
    const sum = (status: string) =>
      payment.lines.filter((line) => line.status === status).reduce((total, line) => total + line.amountMinor, 0);
    // A held payment refunded whole: no bill was posted (its lines never left pending) and the money
    // that went back is the capture, which need not equal the bills' total.
    const heldRefund = heldCaptureRefund(payment);
    const paidAt = payment.timeline.find((entry) => entry.to === 'captured')?.at ?? payment.updatedAt;
    return withoutUndefined<Receipt>({
      _id: `RCT${payment._id.slice(3)}`,
      paymentId: payment._id,
      citizenSub: payment.citizenSub,
      status: payment.status,
      method: payment.gateway?.method,
      gatewayReference: payment.gateway?.orderId,
      payerName: payment.payerName,
      currency: payment.currency,
      totalMinor: payment.totalMinor,
      settledMinor: sum('settled'),
      refundedMinor: heldRefund ? heldRefund.amountMinor : sum('refunded'),
      lines: payment.lines.map((line, index) => ({
        lineId: line._id,
        billerId: line.billerId,
        billerName: this.billers.get(line.billerId)?.descriptor.name ?? line.billerId,
        consumerMasked: line.consumerMasked,
        billNumber: line.billNumber,
        amountMinor: line.amountMinor,
        reference: line.reference,
        billerReference: line.billerReference,
        status: heldRefund ? 'refunded' : line.status,
        ...(line.bill ? { bill: line.bill } : {}),
        ...(demands[index] ? { demand: demands[index] } : {}),
      })),
      refunds: heldRefund
        ? [heldRefund]
        : payment.lines
            .filter((line) => line.status === 'refunded' || line.status === 'refunding' || line.refundKey)
            .map((line) => refundOf(payment, line)),
      paidAt,
      issuedAt: new Date(),
    });
  }

  /**
   * Stores a built receipt, once per payment: when its payment already has one (a retried or racing
   * job), that one is returned and the given one is dropped. Inserted lean: a mongoose document (with
   * one per line) would cost more than the insert.
   */
  async store(receipt: Receipt): Promise<Receipt> {
    try {
      await this.model.insertMany([receipt], { lean: true });
      return receipt;
    } catch (error) {
      // A second receipt for the payment is a ConflictError (unique paymentId).
      if (!(error instanceof ConflictError)) throw error;
      const first = await this.findByPayment(receipt.paymentId);
      if (!first) throw error;
      return first;
    }
  }

  /**
   * Builds and stores the payment's receipt at once: a second call returns the first receipt; null
   * while the payment is not final. Its message is the issue-receipt job's (issue-receipt.ts), which
   * the sweep's catch-up gives any final payment whose receipt has no message recorded.
   */
  async issue(payment: Payment): Promise<Receipt | null> {
    const receipt = await this.build(payment);
    return receipt && this.store(receipt);
  }

  /** The stored receipt of a payment, whoever's it is (the issue-receipt job's check); null when none. */
  findByPayment(paymentId: string): Promise<Receipt | null> {
    return this.model.findOne({ paymentId }).lean<Receipt>().exec();
  }

  /**
   * Records on a stored receipt that nobody is there to tell (its `notifiedAt`), once: a second call
   * changes nothing. The only change a stored receipt takes.
   */
  async recordNotified(receiptId: string, at: Date): Promise<void> {
    await this.model.updateOne({ _id: receiptId, notifiedAt: { $exists: false } }, { $set: { notifiedAt: at } });
  }

  /**
   * The stored receipts of these payments, by payment id: number and `notifiedAt` only (one query;
   * the receipts catch-up's check).
   */
  async statesAmong(paymentIds: readonly string[]): Promise<Map<string, Pick<Receipt, '_id' | 'notifiedAt'>>> {
    if (paymentIds.length === 0) return new Map();
    const found = await this.model
      .find({ paymentId: { $in: paymentIds } }, { paymentId: 1, notifiedAt: 1 })
      .lean<Pick<Receipt, '_id' | 'paymentId' | 'notifiedAt'>[]>()
      .exec();
    return new Map(found.map((r) => [r.paymentId, { _id: r._id, notifiedAt: r.notifiedAt }]));
  }

  /** The stored receipt of a citizen's own payment; another citizen's is simply not found. */
  forCitizen(paymentId: string, citizenSub: string): Promise<Receipt | null> {
    return this.model.findOne({ paymentId, citizenSub }).lean<Receipt>().exec();
  }

  /**
   * The receipt of a citizen's own payment as they see it, with its signed verification URL; null
   * when there is none (not final yet, or not theirs). `viewer.name` (the caller's token) names the
   * payer on receipts issued before names were kept.
   */
  async viewFor(paymentId: string, citizenSub: string, viewer: { name?: string } = {}): Promise<ReceiptView | null> {
    const receipt = await this.forCitizen(paymentId, citizenSub);
    if (!receipt) return null;
    return receiptView(receipt, await this.verifyUrlOf(receipt), viewer.name);
  }

  /** `<publicUrl>/verify?t=<token>`: what the receipt's QR code holds. */
  async verifyUrlOf(receipt: Receipt): Promise<string> {
    const token = await this.tokens.sign(bindingFacts(receipt));
    return `${this.publicUrl}/verify?t=${token}`;
  }

  /**
   * What a verification token proves: the receipt it names, if the signature is ours, the receipt
   * exists, and its payment, currency and total are the ones the token was made for. Null otherwise
   * (bad signature, unknown receipt, mismatch), with no hint which.
   */
  async verify(token: string): Promise<VerifiedReceipt | null> {
    const claims = await this.tokens.read(token);
    if (!claims) return null;
    const receipt = await this.model.findById(claims.receiptNumber).lean<Receipt>().exec();
    if (!receipt || bindingOf(bindingFacts(receipt)) !== claims.binding) return null;
    return verifiedView(receipt);
  }
}

/**
 * The service's options from the hub's config: HUB_PUBLIC_URL (else `fallbackUrl`, the URL the hub
 * was started on) and RECEIPT_SIGNING_KEYS (else a random key for this process: see ReceiptTokens).
 */
export function receiptOptionsOf(
  config: Pick<HubConfig, 'HUB_PUBLIC_URL' | 'RECEIPT_SIGNING_KEYS'>,
  fallbackUrl: string,
): ReceiptServiceOptions {
  return {
    publicUrl: config.HUB_PUBLIC_URL ?? fallbackUrl,
    tokens: new ReceiptTokens(config.RECEIPT_SIGNING_KEYS),
  };
}
