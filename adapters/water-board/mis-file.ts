import { z } from 'zod';
import { type CollectionEntry, parseCollectionCsv } from '../sdk/index.js';

/** One row of the board's daily MIS file (POST /api/misreport). */
const rowSchema = z.object({
  agencyTxnId: z.string().min(1),
  boardTxnId: z.string().min(1),
  connectionId: z.string().min(1),
  demandNo: z.string(),
  // Whole paise, as the board's payment call takes them.
  amountPaise: z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number),
  paidOn: z.iso.datetime({ offset: true }),
});

/** The board's MIS CSV as contract entries. Throws BillerUnavailableError on an unreadable file. */
export function misEntries(billerId: string, body: unknown): CollectionEntry[] {
  return parseCollectionCsv(billerId, body, rowSchema).map((row) => ({
    reference: row.agencyTxnId,
    billerReference: row.boardTxnId,
    consumer: { connectionId: row.connectionId },
    billNumber: row.demandNo,
    amountMinor: row.amountPaise,
    acceptedAt: row.paidOn,
  }));
}
