import type {
  DemandBillerPort,
  DemandPortPaid,
  DemandPortRecord,
  DemandQuote,
  InstalmentCost,
} from '../../adapters/payment-demands/port.js';
import { NotFoundError } from '../../infra/errors.js';
import { indianDayOf } from './calendar-day.js';
import { PaymentRefusedError } from './demand-errors.js';
import type { Demand } from './demand-model.js';
import type { DemandStore } from './demand-store.js';
import { quoteInstalment } from './payable-amount.js';
import { instalmentsForAmount, payableInstalments } from './payment-rules.js';

function recordOf(demand: Demand, paymentId: string): DemandPortRecord | undefined {
  const payment = demand.payments.find((p) => p.paymentId === paymentId);
  if (!payment) return undefined;
  return {
    paymentId,
    reference: demand.reference,
    instalments: payment.instalments,
    amountMinor: payment.amountMinor,
    at: new Date(payment.at).toISOString(),
  };
}

/**
 * A demand's bill on `day` as the port hands it to the biller: its open instalments in order,
 * each with what it costs that day (base, late fee, discount, payable; payable-amount.ts), the
 * first one's cost at the top level. Undefined when none is open (cancelled or paid).
 */
export function demandQuoteOf(
  demand: Pick<
    Demand,
    'reference' | 'title' | 'payer' | 'status' | 'instalments' | 'lateFee' | 'earlyDiscount' | 'createdAt'
  >,
  day: string,
): DemandQuote | undefined {
  const costs: InstalmentCost[] = payableInstalments(demand).map((instalment) => {
    const quote = quoteInstalment(instalment, demand, day);
    return {
      instalment: quote.number,
      dueDate: instalment.dueDate,
      baseMinor: quote.baseMinor,
      lateFeeMinor: quote.lateFeeMinor,
      discountMinor: quote.discountMinor,
      payableMinor: quote.payableMinor,
    };
  });
  const [first] = costs;
  if (!first) return undefined;
  return {
    reference: demand.reference,
    title: demand.title,
    payerLabel: demand.payer.phone ?? demand.payer.email ?? '',
    instalment: first.instalment,
    instalmentCount: demand.instalments.length,
    dueDate: first.dueDate,
    baseMinor: first.baseMinor,
    lateFeeMinor: first.lateFeeMinor,
    discountMinor: first.discountMinor,
    payableMinor: first.payableMinor,
    open: costs,
    createdAt: new Date(demand.createdAt ?? Date.now()).toISOString(),
  };
}

/**
 * The demand store as the payment-demands biller sees it (adapters/payment-demands/port.ts): a bill
 * is the open instalments' quotes on the day (the biller offers paying the next 1..k); a posting is
 * one recordPayment of the instalments its amount pays on the checkout's day, from the one its bill
 * named (payment id = the hub's posting reference, so a repeat records nothing); a status is the
 * demand's recorded payment. A refusal (PaymentRefusedError or instalmentsForAmount's) becomes one
 * the adapter reports as final.
 */
export function demandBillerPort(store: DemandStore): DemandBillerPort {
  return {
    async nextInstalment(reference, day) {
      const demand = await store.findByReference(reference);
      if (!demand) return { none: 'not_found' };
      return demandQuoteOf(demand, day) ?? { none: 'not_payable' };
    },

    async pay(reference, payment): Promise<DemandPortPaid> {
      const demand = await store.findByReference(reference);
      if (!demand) return { outcome: 'not_found' };
      // A repeat answers the first record as it was: the instalments it paid are not open any more.
      const seen = recordOf(demand, payment.paymentId);
      if (seen) return { outcome: 'duplicate', record: seen };
      const day = payment.day ?? indianDayOf(payment.paidAt);
      const paid = instalmentsForAmount(demand, { first: payment.instalment, amountMinor: payment.amountMinor }, day);
      if (!paid.ok) return { outcome: 'refused', reason: paid.reason, message: paid.message };
      try {
        const { demand: after, recorded } = await store.recordPayment(demand._id, {
          paymentId: payment.paymentId,
          instalments: paid.instalments,
          amountMinor: payment.amountMinor,
          paidAt: payment.paidAt,
          day,
        });
        const record = recordOf(after, payment.paymentId);
        if (!record) throw new Error(`demand ${reference} lost payment ${payment.paymentId}`);
        return { outcome: recorded ? 'recorded' : 'duplicate', record };
      } catch (error) {
        if (error instanceof PaymentRefusedError) {
          return { outcome: 'refused', reason: error.reason, message: error.message };
        }
        if (error instanceof NotFoundError) return { outcome: 'not_found' };
        throw error;
      }
    },

    async paymentOf(paymentId) {
      const demand = await store.model.findOne({ 'payments.paymentId': paymentId, live: true }).lean<Demand>().exec();
      return demand ? recordOf(demand, paymentId) : undefined;
    },

    async recordedOn(day) {
      // The Indian day [00:00, 24:00) IST as instants.
      const from = new Date(`${day}T00:00:00+05:30`);
      const to = new Date(from.getTime() + 24 * 3_600_000);
      const demands = await store.model
        .find({ live: true, payments: { $elemMatch: { at: { $gte: from, $lt: to } } } })
        .lean<Demand[]>()
        .exec();
      return demands.flatMap((demand) =>
        demand.payments
          .filter((p) => new Date(p.at) >= from && new Date(p.at) < to)
          .map((p) => recordOf(demand, p.paymentId))
          .filter((record): record is DemandPortRecord => record !== undefined),
      );
    },
  };
}

/**
 * A port for billers loaded before the database is connected (the hub loads its billers first):
 * calls fail as unavailable (retryable) until `bind` gives it the store.
 */
export function lateDemandBillerPort(): DemandBillerPort & { bind(store: DemandStore): void } {
  let bound: DemandBillerPort | undefined;
  const port = (): DemandBillerPort => {
    if (!bound) throw new Error('the demand store is not connected yet');
    return bound;
  };
  return {
    bind: (store) => {
      bound = demandBillerPort(store);
    },
    nextInstalment: (reference, day) => port().nextInstalment(reference, day),
    pay: (reference, payment) => port().pay(reference, payment),
    paymentOf: (paymentId) => port().paymentOf(paymentId),
    recordedOn: (day) => port().recordedOn(day),
  };
}
