import type { TFunction } from 'i18next';
import { formatDateIST, formatMoney } from '../../../infra/web/format.js';
import { intlLocale, type Locale } from '../../../infra/web/locale.js';
import { todayInIndia } from '../../bills/indian-day.js';
import type { Charge, CitizenDemand } from '../api/types.js';
import { countText, instalmentNumberOf } from './dues-view.js';

/** One way to pay on a demand's page: a radio (an amount option) or the one amount payable today. */
export interface PayChoice {
  /** The option's code, posted as `option`; '' for a bill without options. */
  code: string;
  label: string;
  amount: string;
  hint?: string;
}

/** A demand's page, ready to print (hub/portal/views/demand.njk). */
export interface DemandPage {
  reference: string;
  title: string;
  providerName: string;
  status: CitizenDemand['demand']['status'];
  statusText: string;
  total: string;
  paid: string;
  outstanding: string;
  lines: { description: string; amount: string; taxes: { name: string; amount: string }[]; total: string }[];
  instalments: {
    number: number;
    /** "Instalment 2 of 3", in the page's digits. */
    label: string;
    dueDate: string;
    amount: string;
    status: string;
    statusText: string;
    paidText?: string;
    /** Open and past its due date (an Indian day): shown as overdue. */
    overdue: boolean;
  }[];
  /**
   * Why "paid so far" and "still to pay" do not add up to the total: late fees paid, discounts
   * taken, and that "still to pay" is before the fee or discount of the day one pays.
   */
  figuresNote?: string[];
  lateFeeText?: string;
  discountText?: string;
  /** What can be done now: pay (choices), wait for a payment under way, or nothing (paid, cancelled). */
  pay?: { choices: PayChoice[]; next: string };
  /** The next instalment as charged today: its amount, late fee and discount, and what it costs. */
  today?: { base: string; lateFee?: string; discount?: string; payable: string };
  inCheckout?: { paymentId: string };
  payingNow?: { paymentId: string };
  /** The next instalment's bill could not be fetched just now. */
  unavailable: boolean;
  /** The wallet form is offered while something is payable. */
  walletOpen: boolean;
}

/** A charge in words: "₹50.00" or "2%". */
function chargeText(charge: Charge, currency: string, locale: Locale): string {
  if (charge.kind === 'flat') return formatMoney(charge.amountMinor, currency, locale);
  return new Intl.NumberFormat(intlLocale(locale), { style: 'percent', maximumFractionDigits: 2 }).format(
    charge.basisPoints / 10_000,
  );
}

/**
 * The sentences that explain the summary's figures when they do not simply add up: late fees paid
 * raise "paid so far", discounts lower it, and "still to pay" is the open instalments before any
 * late fee or discount (what is charged depends on the day one pays).
 */
function figuresNote(demand: CitizenDemand['demand'], t: TFunction, money: (minor: number) => string): string[] {
  const paid = demand.instalments.filter((i) => i.status === 'paid');
  const lateFees = paid.reduce((sum, i) => sum + (i.lateFeeMinor ?? 0), 0);
  const discounts = paid.reduce((sum, i) => sum + (i.discountMinor ?? 0), 0);
  const open = demand.instalments.some((i) => i.status === 'open');
  return [
    ...(lateFees > 0 ? [t('demand.figures.lateFees', { amount: money(lateFees) })] : []),
    ...(discounts > 0 ? [t('demand.figures.discounts', { amount: money(discounts) })] : []),
    ...(open && (demand.lateFee || demand.earlyDiscount) ? [t('demand.figures.stillToPay')] : []),
  ];
}

/**
 * GET /dues/demands/{reference} as the page shows it, in the citizen's language: the line items with
 * their GST components, the instalments (due, paid, with late fee or discount), the late fee and
 * early-discount rules in words (hub/demands/README.md "Rules"), and the ways to pay today: one radio
 * per amount option (contract "bill amount options": `instalments-n`, the next n instalments), or
 * the one amount payable today when the bill offers none.
 */
export function demandPage({ demand, due }: CitizenDemand, t: TFunction, locale: Locale): DemandPage {
  const money = (minor: number) => formatMoney(minor, demand.currency, locale);
  const day = (value: string) => formatDateIST(value, locale);
  const count = (n: number) => countText(n, locale);
  const open = demand.status === 'open' || demand.status === 'partly_paid';
  const today = demand.payableToday?.day ?? todayInIndia();
  const page: DemandPage = {
    reference: demand.reference,
    title: demand.title,
    providerName: demand.providerName,
    status: demand.status,
    statusText: t(`demand.status.${demand.status}`),
    total: money(demand.totalMinor),
    paid: money(demand.paidMinor),
    outstanding: money(demand.outstandingMinor),
    lines: demand.lines.map((line) => ({
      description: line.description,
      amount: money(line.amountMinor),
      taxes: line.taxes.map((tax) => ({ name: tax.name, amount: money(tax.amountMinor) })),
      total: money(line.totalMinor),
    })),
    instalments: demand.instalments.map((i) => ({
      number: i.number,
      label: t('demand.instalmentOf', { number: count(i.number), total: count(demand.instalments.length) }),
      dueDate: day(i.dueDate),
      amount: money(i.amountMinor),
      status: i.status,
      overdue: open && i.status === 'open' && i.dueDate < today,
      statusText: t(
        open && i.status === 'open' && i.dueDate < today
          ? 'demand.instalmentStatus.overdue'
          : `demand.instalmentStatus.${i.status}`,
      ),
      ...(i.status === 'paid'
        ? {
            paidText: [
              i.paidOn ? t('demand.paidOn', { amount: money(i.paidMinor), date: day(i.paidOn) }) : money(i.paidMinor),
              ...((i.lateFeeMinor ?? 0) > 0 ? [t('demand.withLateFee', { amount: money(i.lateFeeMinor ?? 0) })] : []),
              ...((i.discountMinor ?? 0) > 0
                ? [t('demand.withDiscount', { amount: money(i.discountMinor ?? 0) })]
                : []),
            ].join(' '),
          }
        : {}),
    })),
    unavailable: false,
    walletOpen: open,
  };
  const note = figuresNote(demand, t, money);
  if (note.length > 0) page.figuresNote = note;
  if (demand.lateFee) {
    page.lateFeeText = t('demand.lateFeeRule', {
      charge: chargeText(demand.lateFee.charge, demand.currency, locale),
      days: count(demand.lateFee.periodDays),
      cap: money(demand.lateFee.capMinor),
    });
  }
  if (demand.earlyDiscount) {
    page.discountText = t('demand.discountRule', {
      off: chargeText(demand.earlyDiscount.off, demand.currency, locale),
      date: day(demand.earlyDiscount.until),
    });
  }
  if (!open) return page;
  if (!due?.bill || !due.checkoutLine || !due.payable) {
    page.unavailable = true;
    return page;
  }
  if (due.paid) {
    // The next instalment is paid by a payment still being confirmed: nothing to pay until it is.
    page.payingNow = { paymentId: due.paid.paymentId };
    page.walletOpen = false;
    return page;
  }
  if (due.checkout) page.inCheckout = { paymentId: due.checkout.paymentId };
  const first = instalmentNumberOf(due.bill.billNumber) ?? 1;
  const total = demand.instalments.length;
  const options = due.bill.amountOptions ?? [];
  const choices: PayChoice[] = options.length
    ? options.map((option) => {
        const n = Number(/^instalments-(\d+)$/.exec(option.code)?.[1] ?? Number.NaN);
        const known = Number.isInteger(n) && n > 0;
        return {
          code: option.code,
          label: !known ? option.label : n === 1 ? t('demand.optionNext') : t('demand.optionNextN', { n: count(n) }),
          amount: money(option.amountMinor),
          ...(known
            ? {
                hint:
                  n === 1
                    ? t('demand.instalmentOf', { number: count(first), total: count(total) })
                    : t('demand.instalmentsOf', { from: count(first), to: count(first + n - 1), total: count(total) }),
              }
            : {}),
        };
      })
    : [
        {
          code: '',
          label: t('demand.optionNext'),
          amount: money(due.payable.amountMinor),
          hint: t('demand.instalmentOf', { number: count(first), total: count(total) }),
        },
      ];
  page.pay = { choices, next: money(due.payable.amountMinor) };
  const quote = demand.payableToday?.instalments[0];
  if (quote) {
    page.today = {
      base: money(quote.baseMinor),
      ...(quote.lateFeeMinor > 0 ? { lateFee: money(quote.lateFeeMinor) } : {}),
      ...(quote.discountMinor > 0 ? { discount: money(quote.discountMinor) } : {}),
      payable: money(quote.payableMinor),
    };
  }
  return page;
}
