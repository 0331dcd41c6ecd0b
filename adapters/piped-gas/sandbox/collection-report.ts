import type Router from '@koa/router';
import { acceptedOn, reportDateSchema, toCsv } from '../../sandboxes/shared/collection-file.js';
import type { PostingBook } from '../../sandboxes/shared/posting-book.js';

/** The company's daily collection file columns; the amount as value and scale, like its API. */
export const GAS_COLLECTION_COLUMNS = [
  'partnerRef',
  'collectionId',
  'bpNo',
  'invoiceId',
  'amountValue',
  'amountScale',
  'collectedAt',
];

/**
 * GET /gas/v1/reports/collections?date=YYYY-MM-DD (Bearer token): text/csv, one row per
 * collection posted on that IST day.
 */
export function collectionReportRoute(router: Router, postings: PostingBook): void {
  router.get('/reports/collections', (ctx) => {
    const date = reportDateSchema.safeParse(ctx.query.date);
    if (!date.success) {
      ctx.status = 400;
      ctx.body = { fault: { code: 'BAD_REQUEST', text: 'date must be YYYY-MM-DD' } };
      return;
    }
    const rows = acceptedOn(postings, date.data).map(({ posting, acceptedAt }) => [
      posting.reference,
      posting.billerReference,
      posting.consumerKey,
      posting.billNumber,
      posting.amountMinor,
      2,
      acceptedAt,
    ]);
    ctx.type = 'text/csv';
    ctx.body = toCsv(GAS_COLLECTION_COLUMNS, rows);
  });
}
