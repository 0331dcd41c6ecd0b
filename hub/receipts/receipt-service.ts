import type { BillerRegistry } from '../../adapters/registry/index.js';
import { ConflictError } from '../../infra/errors.js';
import type { Connection } from '../../infra/mongo.js';
import type { Payment } from '../payments/index.js';
import { type Receipt, type ReceiptModel, receiptModel } from './receipt-model.js';

const FINAL = new Set(['completed', 'partially_refunded', 'refunded']);

/** Receipts are issued once per payment, when it reaches a final state, and never change. */
export class ReceiptService {
  private readonly model: ReceiptModel;

  constructor(
    conn: Connection,
    private readonly billers: BillerRegistry,
  ) {
    this.model = receiptModel(conn);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  /** Issues the payment's receipt; a second call (a retried job) returns the first one. */
  async issue(payment: Payment): Promise<Receipt | null> {
    if (!FINAL.has(payment.status)) return null;
    const sum = (status: string) =>
      payment.lines.filter((line) => line.status === status).reduce((total, line) => total + line.amountMinor, 0);
    const paidAt = payment.timeline.find((entry) => entry.to === 'captured')?.at ?? payment.updatedAt;
    const receipt: Receipt = {
      _id: `RCT${payment._id.slice(3)}`,
      paymentId: payment._id,
      citizenSub: payment.citizenSub,
      status: payment.status,
      method: payment.gateway?.method,
      currency: payment.currency,
      totalMinor: payment.totalMinor,
      settledMinor: sum('settled'),
      refundedMinor: sum('refunded'),
      lines: payment.lines.map((line) => ({
        lineId: line._id,
        billerId: line.billerId,
        billerName: this.billers.get(line.billerId)?.descriptor.name ?? line.billerId,
        consumerMasked: line.consumerMasked,
        billNumber: line.billNumber,
        amountMinor: line.amountMinor,
        reference: line.reference,
        billerReference: line.billerReference,
        status: line.status,
      })),
      paidAt,
      issuedAt: new Date(),
    };
    try {
      return (await this.model.create(receipt)).toObject() as Receipt;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      return this.model.findOne({ paymentId: payment._id }).lean<Receipt>().exec();
    }
  }

  forCitizen(paymentId: string, citizenSub: string): Promise<Receipt | null> {
    return this.model.findOne({ paymentId, citizenSub }).lean<Receipt>().exec();
  }
}
