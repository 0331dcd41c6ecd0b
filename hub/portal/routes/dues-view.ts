import type { TFunction } from 'i18next';
import { formatDateIST, formatMoney } from '../../../infra/web/format.js';
import type { Locale } from '../../../infra/web/locale.js';
import type { Due } from '../api/types.js';

/** One row of the dashboard's dues table, ready to print. */
export interface DueRow {
  accountId: string;
  billerId: string;
  billerName: string;
  nickname: string;
  consumerMasked: string;
  billNumber?: string;
  dueDate?: string;
  payable?: string;
  amountDue?: string;
  /** Why today's amount differs from the amount due. */
  adjustmentText?: string;
  state: 'due' | 'paid' | 'in_checkout' | 'error';
  paymentId?: string;
  errorText?: string;
  /** Offered in "Pay selected": a bill is there and no payment already pays it. */
  selectable: boolean;
}

/** The dues from GET /dues as table rows, in the citizen's language. */
export function dueRows(dues: Due[], billerNames: Record<string, string>, t: TFunction, locale: Locale): DueRow[] {
  return dues.map((due) => {
    const { account, bill, payable } = due;
    const billerName = billerNames[account.billerId] ?? account.billerId;
    const row: DueRow = {
      accountId: account.id,
      billerId: account.billerId,
      billerName,
      nickname: account.nickname,
      consumerMasked: account.consumerMasked,
      state: 'due',
      selectable: false,
    };
    if (due.error || !bill || !payable) {
      row.state = 'error';
      row.errorText = due.error?.retryable
        ? t('dashboard.billerDown', { biller: billerName })
        : due.error?.code === 'consumer_not_found'
          ? t('dashboard.consumerGone', { biller: billerName })
          : t('dashboard.billerError', { biller: billerName });
      return row;
    }
    const money = (minor: number) => formatMoney(minor, bill.currency, locale);
    row.billNumber = bill.billNumber;
    row.dueDate = formatDateIST(bill.dueDate, locale);
    row.payable = money(payable.amountMinor);
    row.amountDue = money(payable.amountDueMinor);
    if (payable.applied === 'early_payment_rebate' && bill.earlyPayment) {
      row.adjustmentText = t('dashboard.rebate', {
        amount: money(-payable.adjustmentMinor),
        date: formatDateIST(bill.earlyPayment.until, locale),
      });
    } else if (payable.applied === 'late_fee' && bill.latePayment) {
      row.adjustmentText = t('dashboard.lateFee', {
        amount: money(payable.adjustmentMinor),
        date: formatDateIST(bill.latePayment.from, locale),
      });
    }
    if (due.paid) {
      row.state = 'paid';
      row.paymentId = due.paid.paymentId;
    } else {
      if (due.checkout) {
        row.state = 'in_checkout';
        row.paymentId = due.checkout.paymentId;
      }
      row.selectable = Boolean(due.checkoutLine);
    }
    return row;
  });
}
