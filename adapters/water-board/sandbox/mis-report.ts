import { acceptedOn, reportDateSchema, toCsv } from '../../sandboxes/shared/collection-file.js';
import type { PostingBook } from '../../sandboxes/shared/posting-book.js';

/** The board's MIS file columns, in its own names; amounts in whole paise as in its API. */
export const BOARD_MIS_COLUMNS = ['agencyTxnId', 'boardTxnId', 'connectionId', 'demandNo', 'amountPaise', 'paidOn'];

/**
 * The board's daily MIS file for POST /api/misreport (signed form with `date`): CSV text, or
 * undefined when the date is malformed (the caller answers E100 in the board's shape).
 */
export function misReport(postings: PostingBook, date: string | undefined): string | undefined {
  const parsed = reportDateSchema.safeParse(date);
  if (!parsed.success) return undefined;
  const rows = acceptedOn(postings, parsed.data).map(({ posting, acceptedAt }) => [
    posting.reference,
    posting.billerReference,
    posting.consumerKey,
    posting.billNumber,
    String(posting.amountMinor),
    acceptedAt,
  ]);
  return toCsv(BOARD_MIS_COLUMNS, rows);
}
