import { z } from 'zod';
import { parseCollectionCsv } from '../sdk/collection-csv.js';
import type { CollectionEntry, ConsumerRef } from '../sdk/contract.js';
import { BillerUnavailableError } from '../sdk/errors.js';
import { type AnswerScope, read, toMinor } from './answers.js';
import type { CompiledReport } from './compile.js';

const anyRow = z.record(z.string(), z.string());
const isoDateTime = z.iso.datetime({ offset: true });

/** The consumer object a row's expression gives: every value text, at least one. */
function consumerOf(value: unknown): ConsumerRef | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length === 0 || !entries.every(([, v]) => typeof v === 'string' && v !== '')) return undefined;
  return Object.fromEntries(entries) as ConsumerRef;
}

const textOf = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * A collection file's success answer as contract entries: a CSV file read by parseCollectionCsv
 * (a header row, then rows), or a JSON array at `rows`; each row through the declared entry
 * mapping. One row that does not read (a missing reference, an amount that is not exact and
 * positive, a time without an offset) refuses the whole file, BillerUnavailableError: a file that
 * cannot be trusted is not used at all.
 */
export async function collectionEntriesOf(scope: AnswerScope, declared: CompiledReport): Promise<CollectionEntry[]> {
  let rows: unknown[];
  if (declared.format === 'csv') {
    rows = parseCollectionCsv(scope.billerId, scope.body, anyRow);
  } else {
    const found = declared.rows ? await read(scope, declared.rows) : scope.body;
    // An empty JSON sequence reads as undefined: a day without collections.
    if (found !== undefined && !Array.isArray(found)) {
      throw new BillerUnavailableError(`${scope.billerId} sent a collection file without a list of rows`);
    }
    rows = found ?? [];
  }
  const { entry } = declared;
  const entries: CollectionEntry[] = [];
  for (const [i, row] of rows.entries()) {
    const bad = (field: string) =>
      new BillerUnavailableError(`${scope.billerId} collection file row ${i + 1} has bad ${field}`);
    const reference = textOf(await read(scope, entry.reference, row));
    const billerReference = textOf(await read(scope, entry.billerReference, row));
    const consumer = consumerOf(await read(scope, entry.consumer, row));
    const billNumber = await read(scope, entry.billNumber, row);
    const acceptedAt = await read(scope, entry.acceptedAt, row);
    if (!reference) throw bad('reference');
    if (!billerReference) throw bad('billerReference');
    if (!consumer) throw bad('consumer');
    if (typeof billNumber !== 'string') throw bad('billNumber');
    if (!isoDateTime.safeParse(acceptedAt).success) throw bad('acceptedAt');
    let amountMinor: number;
    try {
      amountMinor = toMinor(scope, await read(scope, entry.amount.expr, row), entry.amount.unit, 'amount');
    } catch {
      throw bad('amount');
    }
    if (amountMinor <= 0) throw bad('amount');
    entries.push({ reference, billerReference, consumer, billNumber, amountMinor, acceptedAt: acceptedAt as string });
  }
  return entries;
}
