import type { TFunction } from 'i18next';
import { formatDateIST, formatMoney } from '../../../infra/web/format.js';
import { intlLocale, type Locale } from '../../../infra/web/locale.js';
import type { DemandDue, Due } from '../api/types.js';

/** The value of a demand's checkbox in the dashboard's pay form (a saved account's is its id). */
export const demandSelectValue = (reference: string) => `demand:${reference}`;

/** The element id part of a checkbox value: `pay-<this>` (`demand:DM-…` becomes `demand-DM-…`). */
export const checkboxIdOf = (value: string) => value.replace(/^demand:/, 'demand-');

/** A whole number in the page's digits (Bengali digits in Bengali, as money and dates are). */
export const countText = (n: number, locale: Locale) => new Intl.NumberFormat(intlLocale(locale)).format(n);

/** The instalment a demand's bill number names (`DM-7K2QX-9ZT4M-R/2` is its second), or undefined. */
export function instalmentNumberOf(billNumber: string): number | undefined {
  const match = /\/(\d{1,2})$/.exec(billNumber);
  return match ? Number(match[1]) : undefined;
}

/** One row of the dashboard's dues table, ready to print. */
export interface DueRow {
  /** A saved account's bill, or a payment demand raised for the citizen. */
  kind: 'account' | 'demand';
  /** The checkbox's value (`line`); its id is `pay-` + checkboxIdOf(value). */
  selectValue: string;
  /** For element ids: the account id, or `demand-<reference>`. */
  rowId: string;
  /** A saved account's id ('' for a demand). */
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
  /** A demand's: its title, who raised it, its reference and "Instalment n of k". */
  demand?: { title: string; providerName?: string; reference: string; instalmentText?: string };
  /** A saved account's live autopay (absent: none, and the row offers to set one up). */
  autopay?: { id: string; status: string; limit: string };
}

/** The dues from GET /dues as table rows, in the citizen's language. */
export function dueRows(dues: Due[], billerNames: Record<string, string>, t: TFunction, locale: Locale): DueRow[] {
  return dues.map((due) => {
    const { account, bill, payable } = due;
    const billerName = billerNames[account.billerId] ?? account.billerId;
    const row: DueRow = {
      kind: 'account',
      selectValue: account.id,
      rowId: account.id,
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
    applyPaymentState(row, due);
    return row;
  });
}

/**
 * Payment demands from GET /dues as rows like any bill: the title as the bill's name, the provider
 * and reference, "Instalment n of k", the next instalment's due date and today's amount, with its
 * late fee or early-payment discount (the demand bill's breakup: the instalment, then a positive late
 * fee or a negative discount) said in words.
 */
export function demandRows(dues: DemandDue[], t: TFunction, locale: Locale): DueRow[] {
  return dues.map((due) => {
    const { demand, bill, payable } = due;
    const value = demandSelectValue(demand.reference);
    const row: DueRow = {
      kind: 'demand',
      selectValue: value,
      rowId: checkboxIdOf(value),
      accountId: '',
      billerId: 'payment-demands',
      billerName: demand.title,
      nickname: demand.providerName ?? '',
      consumerMasked: demand.reference,
      state: 'due',
      selectable: false,
      demand: { title: demand.title, reference: demand.reference },
    };
    if (demand.providerName && row.demand) row.demand.providerName = demand.providerName;
    if (due.error || !bill || !payable) {
      row.state = 'error';
      row.errorText = due.error?.retryable
        ? t('demand.dueDown', { title: demand.title })
        : t('demand.dueError', { title: demand.title });
      return row;
    }
    const money = (minor: number) => formatMoney(minor, bill.currency, locale);
    const number = instalmentNumberOf(bill.billNumber);
    if (row.demand && number !== undefined) {
      row.demand.instalmentText = t('demand.instalmentOf', {
        number: countText(number, locale),
        total: countText(demand.instalmentCount, locale),
      });
    }
    row.billNumber = bill.billNumber;
    row.dueDate = formatDateIST(bill.dueDate, locale);
    row.payable = money(payable.amountMinor);
    row.amountDue = money(payable.amountDueMinor);
    const extras = bill.breakup.slice(1);
    const lateFee = extras.filter((l) => l.amountMinor > 0).reduce((sum, l) => sum + l.amountMinor, 0);
    const discount = -extras.filter((l) => l.amountMinor < 0).reduce((sum, l) => sum + l.amountMinor, 0);
    if (lateFee > 0) row.adjustmentText = t('demand.includesLateFee', { amount: money(lateFee) });
    else if (discount > 0) row.adjustmentText = t('demand.includesDiscount', { amount: money(discount) });
    applyPaymentState(row, due);
    return row;
  });
}

/**
 * The row's payment state, alike for bills and demands: paid (with its payment), in a checkout
 * still open (with that payment, still selectable if the hub offers a checkout line), or due.
 */
function applyPaymentState(
  row: DueRow,
  due: { paid?: { paymentId: string }; checkout?: { paymentId: string }; checkoutLine?: unknown },
): void {
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
}
