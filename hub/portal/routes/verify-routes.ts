import type Router from '@koa/router';
import { formatDateTimeIST, formatMoney } from '../../../infra/web/format.js';
import { ApiProblem } from '../api/hub-api.js';
import type { VerifiedReceiptJson } from '../api/types.js';
import type { PortalDeps } from '../deps.js';
import { queryParam } from '../http/forms.js';
import { localeOf } from '../http/locale.js';
import { PortalError } from '../http/portal-error.js';

/**
 * The public page a receipt's QR code opens: whether the receipt is genuine, and what a genuine
 * one proves (no names, masked numbers). Anyone may open it; no sign-in.
 */
export function verifyRoutes(router: Router, deps: PortalDeps): void {
  const { api, pages } = deps;

  router.get('/verify', async (ctx) => {
    const token = queryParam(ctx, 't');
    const locale = localeOf(ctx);
    if (!token || token.length > 4096) {
      await pages.render(ctx, 'verify', { titleKey: 'verify.title', genuine: false, incomplete: true }, 400);
      return;
    }
    let receipt: VerifiedReceiptJson | undefined;
    try {
      ({ body: receipt } = await api.public<VerifiedReceiptJson>(`/receipts/verify?t=${encodeURIComponent(token)}`));
    } catch (error) {
      const refused = (error instanceof PortalError && error.status === 404) || error instanceof ApiProblem;
      if (!refused) throw error;
    }
    if (!receipt) {
      await pages.render(ctx, 'verify', { titleKey: 'verify.title', genuine: false });
      return;
    }
    const money = (minor: number) => formatMoney(minor, receipt.currency, locale);
    await pages.render(ctx, 'verify', {
      titleKey: 'verify.title',
      genuine: true,
      receipt,
      paidAt: formatDateTimeIST(receipt.paidAt, locale),
      total: money(receipt.totalMinor),
      lines: receipt.lines.map((line) => ({
        ...line,
        amount: money(line.amountMinor),
        statusKey: `lineStatus.${line.status}`,
      })),
    });
  });
}
