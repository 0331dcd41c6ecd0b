import { z } from 'zod';
import { AppError } from '../../../infra/errors.js';
import type { ReceiptFonts } from '../../receipts/receipt-font.js';
import { renderReceiptPdf } from '../../receipts/receipt-pdf.js';
import { receiptViewSchema, verifiedReceiptSchema } from '../../receipts/receipt-schemas.js';
import type { ReceiptService } from '../../receipts/receipt-service.js';
import type { Citizen } from '../access-token.js';
import { defineRoute, type RouteSpec } from '../route-spec.js';

export interface ReceiptRouteDeps {
  receipts: ReceiptService;
  /** The PDF's fonts; DejaVu Sans (or RECEIPT_FONT_FILE, resolved by the caller) when not given. */
  fonts?: ReceiptFonts;
}

const NO_RECEIPT = 'receipt_not_found: no such payment, not yours, or not final yet (no receipt)';

/** The query of the public check: the token from a receipt's QR code. */
const verifyQuery = z.object({ t: z.string().min(1).max(512).describe('the token from the receipt') });

/**
 * A citizen's receipts (JSON and PDF, `Cache-Control: no-store` like every answer for a token), and
 * the public check a biller's clerk reaches by scanning a printed receipt's QR code.
 */
export function receiptRoutes({ receipts, fonts }: ReceiptRouteDeps): RouteSpec[] {
  const ownView = async (paymentId: string, citizen: Citizen) => {
    const view = await receipts.viewFor(paymentId, citizen.sub, { name: citizen.name });
    if (!view) throw new AppError(404, 'receipt_not_found', 'no receipt for this payment (yet)');
    return view;
  };
  return [
    defineRoute({
      method: 'get',
      path: '/payments/:paymentId/receipt',
      operationId: 'getMyReceipt',
      summary: 'The receipt of one of my payments, once it is final',
      scopes: ['payments:read'],
      callers: ['citizen'],
      response: receiptViewSchema,
      problems: { 404: NO_RECEIPT },
      handler: (_ctx, { params, caller }) => ownView(params.paymentId, caller),
    }),
    defineRoute({
      method: 'get',
      path: '/payments/:paymentId/receipt.pdf',
      operationId: 'getMyReceiptPdf',
      summary: 'The same receipt as an A4 PDF (application/pdf, a download), with its QR code',
      scopes: ['payments:read'],
      callers: ['citizen'],
      responseMediaType: 'application/pdf',
      responseHeaders: { 'Content-Disposition': 'attachment; filename="receipt-<receiptNumber>.pdf"' },
      problems: { 404: NO_RECEIPT },
      handler: async (ctx, { params, caller }) => {
        const view = await ownView(params.paymentId, caller);
        const pdf = await renderReceiptPdf(view, fonts);
        ctx.type = 'application/pdf';
        ctx.attachment(`receipt-${view.receiptNumber}.pdf`);
        return pdf;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/receipts/verify',
      operationId: 'verifyReceipt',
      summary: "Checks a receipt's QR token (public: no access token); shows no name, numbers masked",
      scopes: null,
      query: verifyQuery,
      response: verifiedReceiptSchema,
      problems: { 404: 'receipt_not_verified: the token is not genuine, or names no receipt it was made for' },
      handler: async (_ctx, { query }) => {
        const verified = await receipts.verify(query.t);
        if (!verified) throw new AppError(404, 'receipt_not_verified', 'this is not a genuine receipt of ours');
        return verified;
      },
    }),
  ];
}
