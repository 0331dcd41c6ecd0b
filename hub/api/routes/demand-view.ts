import type { z } from 'zod';
import { todayInIndia } from '../../bills/indian-day.js';
import { type Demand, outstandingTotal, quoteNext } from '../../demands/index.js';
import type { demandSchema } from '../response-schemas.js';
import { type PaymentsById, recordedPayment } from './demand-payments.js';

/**
 * A demand as its provider sees it (demandSchema): no storage fields (`_id`, `live`, batch, request
 * hash), how each paid instalment was paid (`payments`, from paymentsOf: the payment's number,
 * method and wallet transaction id), and what the payer would pay on `day` (an
 * Indian calendar day, default today) for the next and for every open instalment.
 */
export function demandView(
  demand: Demand,
  day = todayInIndia(),
  payments: PaymentsById = new Map(),
): z.infer<typeof demandSchema> {
  const quotes = quoteNext(demand, day);
  const sum = (list: { payableMinor: number }[]) => list.reduce((total, q) => total + q.payableMinor, 0);
  return {
    reference: demand.reference,
    status: demand.status,
    title: demand.title,
    payer: {
      ...(demand.payer.phone ? { phone: demand.payer.phone } : {}),
      ...(demand.payer.email ? { email: demand.payer.email } : {}),
    },
    currency: demand.currency,
    lines: demand.lines.map((l) => ({
      description: l.description,
      amountMinor: l.amountMinor,
      taxMinor: l.taxMinor,
      taxes: l.taxes.map((t) => ({ name: t.name, amountMinor: t.amountMinor })),
      totalMinor: l.totalMinor,
    })),
    totalMinor: demand.totalMinor,
    dueDate: demand.dueDate,
    instalments: demand.instalments.map((i) => ({
      number: i.number,
      dueDate: i.dueDate,
      amountMinor: i.amountMinor,
      status: i.status,
      paidMinor: i.paidMinor,
      ...(i.lateFeeMinor !== undefined ? { lateFeeMinor: i.lateFeeMinor } : {}),
      ...(i.discountMinor !== undefined ? { discountMinor: i.discountMinor } : {}),
      ...(i.paidOn ? { paidOn: i.paidOn } : {}),
      ...(i.paymentId ? { payment: payments.get(i.paymentId) ?? recordedPayment(i.paymentId) } : {}),
    })),
    ...(demand.lateFee
      ? {
          lateFee: {
            charge: demand.lateFee.charge,
            periodDays: demand.lateFee.periodDays,
            capMinor: demand.lateFee.capMinor,
          },
        }
      : {}),
    ...(demand.earlyDiscount
      ? { earlyDiscount: { off: demand.earlyDiscount.off, until: demand.earlyDiscount.until } }
      : {}),
    paidMinor: demand.paidMinor,
    outstandingMinor: outstandingTotal(demand.instalments),
    ...(quotes.length
      ? {
          payableToday: {
            day,
            nextMinor: sum(quotes.slice(0, 1)),
            allMinor: sum(quotes),
            instalments: quotes.map(({ number, baseMinor, lateFeeMinor, discountMinor, payableMinor }) => ({
              number,
              baseMinor,
              lateFeeMinor,
              discountMinor,
              payableMinor,
            })),
          },
        }
      : {}),
    version: demand.version,
    audit: demand.audit.map((entry) => ({
      at: new Date(entry.at).toISOString(),
      actor: entry.actor,
      ...(entry.actorLabel ? { actorLabel: entry.actorLabel } : {}),
      action: entry.action,
      ...(entry.reason ? { reason: entry.reason } : {}),
      changes: entry.changes.map((c) => ({
        path: c.path,
        ...(c.before !== undefined ? { before: c.before } : {}),
        ...(c.after !== undefined ? { after: c.after } : {}),
      })),
    })),
    createdAt: new Date(demand.createdAt).toISOString(),
    updatedAt: new Date(demand.updatedAt).toISOString(),
  };
}
