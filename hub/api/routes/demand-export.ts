import { stringify } from 'csv-stringify/sync';
import { AppError } from '../../../infra/errors.js';
import { minorToDecimal } from '../../../infra/web/format.js';
import { todayInIndia } from '../../bills/indian-day.js';
import { type Demand, type DemandModel, type ProviderDemandFilter, providerDemandQuery } from '../../demands/index.js';

/** Most demands in one export: one answer, built in memory; a provider narrows by dates beyond it. */
export const EXPORT_MAX_DEMANDS = 10_000;

/**
 * The export's columns, one row per instalment: the demand, then the instalment's collection
 * status. Money in rupees with two decimals (as the upload reads it), days YYYY-MM-DD (IST).
 */
const COLUMNS = [
  'reference',
  'title',
  'payer_phone',
  'payer_email',
  'demand_status',
  'total',
  'due_date',
  'created_at',
  'instalment',
  'instalment_due_date',
  'instalment_amount',
  'instalment_status',
  'paid',
  'late_fee',
  'discount',
  'paid_on',
] as const;

function rowsOf(demand: Demand): Record<(typeof COLUMNS)[number], string>[] {
  const money = (minor: number | undefined) => (minor === undefined ? '' : minorToDecimal(minor, demand.currency));
  return demand.instalments.map((i) => ({
    reference: demand.reference,
    title: demand.title,
    payer_phone: demand.payer.phone ?? '',
    payer_email: demand.payer.email ?? '',
    demand_status: demand.status,
    total: money(demand.totalMinor),
    due_date: demand.dueDate,
    created_at: new Date(demand.createdAt).toISOString(),
    instalment: String(i.number),
    instalment_due_date: i.dueDate,
    instalment_amount: money(i.amountMinor),
    instalment_status: i.status,
    paid: money(i.paidMinor),
    late_fee: money(i.lateFeeMinor),
    discount: money(i.discountMinor),
    paid_on: i.paidOn ?? '',
  }));
}

/**
 * A provider's demands matching `filter` as CSV (csv-stringify), newest first, with a header row.
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
  const text = stringify(demands.flatMap(rowsOf), { header: true, columns: [...COLUMNS] });
  return { filename: `demands-${todayInIndia()}.csv`, text };
}
