import type { Bill } from '../../adapters/sdk/index.js';
import { findBillPayers, findOpenCheckouts } from '../bill-claims/bill-status.js';
import type { Demand } from '../demands/demand-model.js';
import type { Payer } from '../demands/demand-types.js';
import { billKeyOf, type PaymentModel, type PaymentStatus } from '../payments/index.js';
import type { BillService } from './bill-service.js';
import { type FetchFailure, fetchFailureOf } from './fetch-failure.js';
import { todayInIndia } from './indian-day.js';
import { type PayableToday, payableToday } from './payable-today.js';

/** The first-party biller that bills demand instalments (adapters/payment-demands, billers.json). */
export const DEMAND_BILLER_ID = 'payment-demands';

/**
 * A payment demand raised for the citizen, as a due: its next open instalment's bill through the
 * payment-demands biller, today's payable amount, and a checkout line in the "bill of a consumer of
 * a biller" form, so the same checkout pays it together with saved accounts' bills.
 */
export interface DemandDue {
  demand: { reference: string; title: string; status: string; instalmentCount: number; providerName?: string };
  bill?: Bill;
  payable?: PayableToday;
  /** POST it in a checkout's `lines` to pay today's amount of the next instalment. */
  checkoutLine?: { billerId: string; consumer: { demandReference: string }; billNumber: string; amountMinor: number };
  /** A payment that pays (or paid) this instalment. */
  paid?: { paymentId: string; status: PaymentStatus };
  /** An unpaid checkout holding this instalment. */
  checkout?: { paymentId: string; status: PaymentStatus };
  error?: FetchFailure;
}

/** What demand dues read of the demand store. */
export interface PayerDemands {
  listForPayer(payer: Payer): Promise<Demand[]>;
}

/**
 * The open demands whose payer phone or email is the citizen's verified one (from the access token),
 * each as a due fetched through the billers like any bill (so checkout's bill checks apply the same
 * way); a failing fetch gives that demand an error and never holds back the others. Nothing without
 * a phone or email.
 */
export async function collectDemandDues(
  demands: PayerDemands,
  payer: Payer,
  bills: BillService,
  payments?: PaymentModel,
  now = new Date(),
): Promise<DemandDue[]> {
  if (!payer.phone && !payer.email) return [];
  const day = todayInIndia(now);
  const open = await demands.listForPayer(payer);
  const dues = await Promise.all(
    open.map(async (demand): Promise<DemandDue> => {
      const summary = {
        reference: demand.reference,
        title: demand.title,
        status: demand.status,
        instalmentCount: demand.instalments.length,
        // Who asks: the provider's display name when raised, else its id (as the demand_received message says).
        providerName: demand.providerName ?? demand.providerId,
      };
      const consumer = { demandReference: demand.reference };
      try {
        // Fresh: the biller is in-process (no utility to spare), and a cached bill would offer an
        // instalment just paid again instead of the next one.
        const { bill } = await bills.fetch(DEMAND_BILLER_ID, consumer, { fresh: true });
        const payable = payableToday(bill, day);
        return {
          demand: summary,
          bill,
          payable,
          checkoutLine: {
            billerId: DEMAND_BILLER_ID,
            consumer,
            billNumber: bill.billNumber,
            amountMinor: payable.amountMinor,
          },
        };
      } catch (error) {
        return { demand: summary, error: fetchFailureOf(error, 'could not fetch this demand') };
      }
    }),
  );
  if (!payments) return dues;
  const keyOf = (due: DemandDue) =>
    due.checkoutLine
      ? billKeyOf({
          billerId: DEMAND_BILLER_ID,
          consumer: due.checkoutLine.consumer,
          billNumber: due.checkoutLine.billNumber,
        })
      : undefined;
  const keys = dues.map(keyOf).filter((key): key is string => Boolean(key));
  const [payers, checkouts] = await Promise.all([findBillPayers(payments, keys), findOpenCheckouts(payments, keys)]);
  return dues.map((due) => {
    const key = keyOf(due);
    const paidBy = payers.find((p) => p.billKey === key);
    const holding = checkouts.find((p) => p.billKey === key);
    return {
      ...due,
      ...(paidBy ? { paid: { paymentId: paidBy.paymentId, status: paidBy.status } } : {}),
      ...(!paidBy && holding ? { checkout: { paymentId: holding.paymentId, status: holding.status } } : {}),
    };
  });
}
