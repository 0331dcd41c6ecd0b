import { z } from 'zod';
import { type CollectionEntry, decimalToMinor, parseCollectionCsv } from '../sdk/index.js';

/** One row of the discom's daily collection file (GET /v2/reports/collections). */
const rowSchema = z.object({
  txnRef: z.string().min(1),
  receiptNo: z.string().min(1),
  consumerNumber: z.string().min(1),
  billNo: z.string(),
  // Rupees with two decimals, as everywhere in the discom's API; read by digits, never as a float.
  amount: z.string().transform((text, ctx) => {
    const minor = decimalToMinor(text);
    if (minor === undefined || minor <= 0) {
      ctx.addIssue({ code: 'custom', message: 'rupees with at most two decimals' });
      return z.NEVER;
    }
    return minor;
  }),
  txnDate: z.iso.datetime({ offset: true }),
});

/** The discom's collection CSV as contract entries. Throws BillerUnavailableError on an unreadable file. */
export function collectionEntries(billerId: string, body: unknown): CollectionEntry[] {
  return parseCollectionCsv(billerId, body, rowSchema).map((row) => ({
    reference: row.txnRef,
    billerReference: row.receiptNo,
    consumer: { consumerNumber: row.consumerNumber },
    billNumber: row.billNo,
    amountMinor: row.amount,
    acceptedAt: row.txnDate,
  }));
}
