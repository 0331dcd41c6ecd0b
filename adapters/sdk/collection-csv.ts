import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import { BillerUnavailableError } from './errors.js';

/**
 * Reads a biller's collection (MIS) CSV: a header row naming the columns, then one row per
 * posting; every row checked against `row`. A file that is not text, not CSV or has a row of the
 * wrong shape is BillerUnavailableError: the file cannot be trusted, so none of it is used.
 */
export function parseCollectionCsv<T>(biller: string, body: unknown, row: z.ZodType<T>): T[] {
  if (typeof body !== 'string') throw new BillerUnavailableError(`${biller} sent a collection file that is not text`);
  let records: unknown[];
  try {
    records = parse(body, { columns: true, skip_empty_lines: true, trim: true }) as unknown[];
  } catch (error) {
    throw new BillerUnavailableError(`${biller} sent an unreadable collection file: ${(error as Error).message}`);
  }
  return records.map((record, i) => {
    const parsed = row.safeParse(record);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ');
      throw new BillerUnavailableError(`${biller} collection file row ${i + 1} has bad ${fields}`);
    }
    return parsed.data;
  });
}
