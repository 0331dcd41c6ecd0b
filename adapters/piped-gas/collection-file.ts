import { z } from 'zod';
import { type CollectionEntry, parseCollectionCsv } from '../sdk/index.js';
import { amountToMinor } from './mapping.js';

/** One row of the company's daily collection file (GET /gas/v1/reports/collections). */
const rowSchema = z
  .object({
    partnerRef: z.string().min(1),
    collectionId: z.string().min(1),
    bpNo: z.string().min(1),
    invoiceId: z.string(),
    amountValue: z.string().regex(/^\d{1,15}$/),
    amountScale: z.string().regex(/^\d$/),
    collectedAt: z.iso.datetime({ offset: true }),
  })
  .transform((row, ctx) => {
    // value / 10^scale rupees, exactly as the API's amounts are read.
    const minor = amountToMinor({ value: Number(row.amountValue), scale: Number(row.amountScale) });
    if (minor === undefined || minor <= 0) {
      ctx.addIssue({ code: 'custom', path: ['amountValue'], message: 'an amount in whole paise' });
      return z.NEVER;
    }
    return { ...row, amountMinor: minor };
  });

/** The company's collection CSV as contract entries. Throws BillerUnavailableError on an unreadable file. */
export function collectionEntries(billerId: string, body: unknown): CollectionEntry[] {
  return parseCollectionCsv(billerId, body, rowSchema).map((row) => ({
    reference: row.partnerRef,
    billerReference: row.collectionId,
    consumer: { bpNumber: row.bpNo },
    billNumber: row.invoiceId,
    amountMinor: row.amountMinor,
    acceptedAt: row.collectedAt,
  }));
}
