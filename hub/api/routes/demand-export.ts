import { stringify } from 'csv-stringify/sync';
import { AppError } from '../../../infra/errors.js';
import { isoDateTimeIST, minorToDecimal } from '../../../infra/web/format.js';
import { todayInIndia } from '../../bills/indian-day.js';
import { type Demand, type DemandModel, type ProviderDemandFilter, providerDemandQuery } from '../../demands/index.js';
import { type PaymentsById, paymentsOf, recordedPayment } from './demand-payments.js';

/** Most demands in one export: one answer, built in memory; a provider narrows by dates beyond it. */
export const EXPORT_MAX_DEMANDS = 10_000;

/**
 * The export's columns, one row per instalment: the demand, then the instalment's collection
 * status and how it was paid (the payment's number, checkout or wallet, the wallet's transaction
 * id). Money in rupees with two decimals (as the upload reads it). Every date is India's, and its
 * column says so: days YYYY-MM-DD (IST), the raising instant as ISO 8601 at +05:30.
 */
const COLUMNS = [
  'reference',
  'title',
  'payer_phone',
  'payer_email',
  'demand_status',
  'total',
  'due_date_ist',
  'created_at_ist',
  'instalment',
  'instalment_due_date_ist',
  'instalment_amount',
  'instalment_status',
  'paid',
  'late_fee',
  'discount',
  'paid_on_ist',
  'payment_number',
  'payment_method',
  'wallet_transaction_id',
] as const;

function rowsOf(demand: Demand, payments: PaymentsById): Record<(typeof COLUMNS)[number], string>[] {
  const money = (minor: number | undefined) => (minor === undefined ? '' : minorToDecimal(minor, demand.currency));
  return demand.instalments.map((i) => {
    const payment = i.paymentId ? (payments.get(i.paymentId) ?? recordedPayment(i.paymentId)) : undefined;
    return {
      reference: demand.reference,
      title: demand.title,
      payer_phone: demand.payer.phone ?? '',
      payer_email: demand.payer.email ?? '',
      demand_status: demand.status,
      total: money(demand.totalMinor),
      due_date_ist: demand.dueDate,
      created_at_ist: isoDateTimeIST(demand.createdAt),
      instalment: String(i.number),
      instalment_due_date_ist: i.dueDate,
      instalment_amount: money(i.amountMinor),
      instalment_status: i.status,
      paid: money(i.paidMinor),
      late_fee: money(i.lateFeeMinor),
      discount: money(i.discountMinor),
      paid_on_ist: i.paidOn ?? '',
      payment_number: payment?.number ?? '',
      payment_method: payment?.method ?? '',
      wallet_transaction_id: payment?.walletTransactionId ?? '',
    };
  });
}

/**
 * A provider's demands matching `filter` as CSV (csv-stringify), newest first, with a UTF-8 byte
 * order mark and a header row.
 * Throws a 422 export_too_large when more than EXPORT_MAX_DEMANDS match.
 */
export async function demandExportCsv(
  model: DemandModel,
  providerId: string,
  filter: ProviderDemandFilter,
): Promise<{ filename: string; text: string }> {
  const query = providerDemandQuery(providerId, filter);
  const count = await model.countDocuments(query).exec();
  if (count > EXPORT_MAX_DEMANDS) {
    throw new AppError(
      422,
      'export_too_large',
      `${count} demands match: at most ${EXPORT_MAX_DEMANDS} per export; narrow the dates`,
      { count },
    );
  }
  const demands = await model.find(query).sort({ createdAt: -1, _id: -1 }).lean<Demand[]>().exec();
  const payments = await paymentsOf(model.db, demands);
  // A byte-order mark, so spreadsheet programs read the file as UTF-8 (Hindi and Bengali titles).
  const text = `\uFEFF${stringify(
    demands.flatMap((d) => rowsOf(d, payments)),
    { header: true, columns: [...COLUMNS] },
  )}`;
  return { filename: `demands-${todayInIndia()}.csv`, text };
}
