import { checkAmount } from '../../adapters/sdk/index.js';
import { AppError, ConflictError } from '../../infra/errors.js';
import type { BillService } from '../bills/bill-service.js';
import { maskConsumer } from '../bills/consumer-key.js';
import type { PaymentGateway } from '../gateway/index.js';
import { hashRequest, type Payment, type PaymentStore } from '../payments/index.js';
import type { CheckoutBody } from './checkout-request.js';

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

/** Billers' due dates are Indian dates: early and late amounts switch at midnight IST. */
function todayInIndia(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(now);
}

/**
 * One checkout = one payment with one line per bill, each bill fetched fresh and its amount
 * checked against the biller's exactness, then one gateway order for the total.
 */
export class CheckoutService {
  constructor(
    private readonly payments: PaymentStore,
    private readonly bills: BillService,
    private readonly gateway: PaymentGateway,
    private readonly options: CheckoutOptions,
  ) {}

  async checkout(citizenSub: string, idempotencyKey: string, body: CheckoutBody): Promise<CheckoutResult> {
    const requestHash = hashRequest(body);
    // A retry must not ask every biller again: the first answer is returned as it was.
    const existing = await this.payments.model.findOne({ citizenSub, idempotencyKey }).lean<Payment>().exec();
    if (existing) {
      if (existing.requestHash !== requestHash) throw idempotencyConflict();
      return this.withOrder(existing, false);
    }

    const day = todayInIndia();
    const lines = await Promise.all(
      body.lines.map(async (line, index) => {
        const { descriptor } = this.bills.biller(line.billerId);
        const { bill } = await this.bills.fetch(line.billerId, line.consumer, { fresh: true });
        if (bill.billNumber !== line.billNumber) {
          throw new AppError(409, 'bill_changed', `lines.${index}: the current bill is ${bill.billNumber}`, {
            line: index,
            currentBillNumber: bill.billNumber,
          });
        }
        const check = checkAmount(bill, descriptor.exactness, line.amountMinor, day);
        if (!check.ok) {
          throw new AppError(422, 'amount_not_allowed', `lines.${index}: ${check.reason} (${descriptor.exactness})`, {
            line: index,
            payableMinor: check.payableMinor,
            exactness: descriptor.exactness,
          });
        }
        return {
          billerId: line.billerId,
          consumer: line.consumer,
          consumerMasked: maskConsumer(descriptor, line.consumer),
          billNumber: line.billNumber,
          amountMinor: line.amountMinor,
        };
      }),
    );

    try {
      const { payment, created } = await this.payments.create({
        citizenSub,
        idempotencyKey,
        requestHash,
        lines,
        ttlMs: this.options.ttlMinutes * 60_000,
      });
      return this.withOrder(payment, created);
    } catch (error) {
      if (error instanceof ConflictError) throw idempotencyConflict();
      throw error;
    }
  }

  /** Creates (or finds: the gateway is idempotent on the payment id) the order and records it. */
  private async withOrder(payment: Payment, created: boolean): Promise<CheckoutResult> {
    const order = await this.gateway.createOrder({
      paymentId: payment._id,
      amountMinor: payment.totalMinor,
      currency: payment.currency,
      returnUrl: `${this.options.returnUrl}?payment=${payment._id}`,
      description: `${payment.lines.length} bill${payment.lines.length === 1 ? '' : 's'}`,
    });
    const moved = await this.payments.transitionPayment(payment._id, 'created', 'awaiting_payment', 'order_created', {
      gateway: { orderId: order.orderId },
    });
    const current = moved ?? (await this.payments.findById(payment._id)) ?? payment;
    return { payment: current, checkoutUrl: order.checkoutUrl, created };
  }
}

function idempotencyConflict(): AppError {
  return new AppError(409, 'idempotency_key_reused', 'this Idempotency-Key was used for a different checkout');
}
