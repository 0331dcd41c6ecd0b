import type Router from '@koa/router';
import { acceptedOn, reportDateSchema, toCsv } from '../../sandboxes/shared/collection-file.js';
import type { PostingBook } from '../../sandboxes/shared/posting-book.js';

/** The discom's daily collection file columns, in its own names; amounts in rupees with two decimals. */
export const DISCOM_COLLECTION_COLUMNS = ['txnRef', 'receiptNo', 'consumerNumber', 'billNo', 'amount', 'txnDate'];

const rupees = (minor: number) => {
  const digits = String(minor).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
};

/**
 * GET /v2/reports/collections?date=YYYY-MM-DD (behind the API key): text/csv, one row per
 * payment the discom accepted on that IST day. Mounted on the discom's authenticated router.
 */
export function collectionReportRoute(api: Router, postings: PostingBook): void {
  api.get('/reports/collections', (ctx) => {
    const date = reportDateSchema.safeParse(ctx.query.date);
    if (!date.success) {
      ctx.status = 400;
      ctx.body = { errorCode: 'INVALID_REQUEST', message: 'date must be YYYY-MM-DD' };
      return;
    }
    const rows = acceptedOn(postings, date.data).map(({ posting, acceptedAt }) => [
      posting.reference,
      posting.billerReference,
      posting.consumerKey,
      posting.billNumber,
      rupees(posting.amountMinor),
      acceptedAt,
    ]);
    ctx.type = 'text/csv';
    ctx.body = toCsv(DISCOM_COLLECTION_COLUMNS, rows);
  });
}
