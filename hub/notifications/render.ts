import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TFunction } from 'i18next';
import type { Channel } from '../../infra/notifier/index.js';
import { formatDateIST, formatMoney } from '../../infra/web/format.js';
import { createTranslator } from '../../infra/web/i18n.js';
import { intlLocale, type Locale } from '../../infra/web/locale.js';
import type { NotificationEvent, PaymentConfirmed } from './events.js';
import type { NotificationLinks } from './links.js';

/**
 * The message catalogs, one per language: `<kind>.{sms, subject, body, next}` (hub/notifications/locales);
 * a refund of a cancelled demand uses `<kind>.cancelled.{...}`.
 */
export const NOTIFICATION_LOCALES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'locales');

/** One message ready for the notifier: an SMS has no subject. */
export interface RenderedMessage {
  subject?: string;
  text: string;
}

/** Renders an event as the SMS or email of its kind, in a language. */
export type Render = (event: NotificationEvent, locale: Locale, channel: Channel) => RenderedMessage;

/**
 * Money for an SMS: the rupee sign is outside the GSM 7-bit alphabet, so one `₹` would turn an
 * English SMS into UCS-2 and cut each part from 160 characters to 70. English SMS say `Rs`;
 * Hindi and Bengali texts are UCS-2 anyway and keep the sign.
 */
function smsMoney(formatted: string, locale: Locale): string {
  return locale === 'en' ? formatted.replace(/₹\s?/u, 'Rs ') : formatted;
}

/** A count in the locale's digits (Bengali digits for bn). */
const formatCount = (count: number, locale: Locale) => new Intl.NumberFormat(intlLocale(locale)).format(count);

/** Names as a list in the locale: "A, B and C" / "A, B और C" / "A, B ও C". */
const formatList = (names: readonly string[], locale: Locale) =>
  new Intl.ListFormat(intlLocale(locale), { style: 'long', type: 'conjunction' }).format(names);

/**
 * What each payment demand a payment paid leaves to pay: "paid in full", or the instalments left,
 * their amount and the next due date. One sentence per demand, each ending with a space (SMS) or
 * on its own line (email); empty when the payment paid no demand.
 */
function demandsPaidText(
  event: PaymentConfirmed,
  locale: Locale,
  channel: Channel,
  t: TFunction,
  money: (minor: number) => string,
): string {
  const sentences = (event.demands ?? []).map((demand) => {
    const common = { reference: demand.reference, provider: demand.providerName };
    const { remaining } = demand;
    if (remaining.count === 0 || !remaining.nextDueDate) return t('payment_confirmed.demand.paidInFull', common);
    return t('payment_confirmed.demand.left', {
      ...common,
      count: remaining.count,
      instalments: formatCount(remaining.count, locale),
      left: money(remaining.amountMinor),
      dueDate: formatDateIST(remaining.nextDueDate, locale),
    });
  });
  if (sentences.length === 0) return '';
  return channel === 'sms' ? `${sentences.join(' ')} ` : sentences.join('\n');
}

/** The kind's message prefix in the catalog: a refund of a cancelled demand has its own wording. */
function catalogKey(event: NotificationEvent): string {
  if ((event.kind === 'refund_started' || event.kind === 'refund_completed') && event.demand?.cancelled) {
    return `${event.kind}.cancelled`;
  }
  return event.kind;
}

/** The values the kind's messages interpolate: amounts and dates already formatted for the locale, in IST. */
function valuesOf(event: NotificationEvent, locale: Locale, channel: Channel, links: NotificationLinks, t: TFunction) {
  const moneyOf = (minor: number) => {
    const formatted = formatMoney(minor, event.currency, locale);
    return channel === 'sms' ? smsMoney(formatted, locale) : formatted;
  };
  const amount = moneyOf(event.amountMinor);
  switch (event.kind) {
    case 'payment_confirmed': {
      const payees = event.payees?.length ? formatList(event.payees, locale) : t('payment_confirmed.payeesUnknown');
      return {
        amount,
        paymentId: event.paymentId,
        receiptId: event.receiptId,
        receiptUrl: links.receipt(event.paymentId),
        outcome: t(`payment_confirmed.outcome.${event.outcome}`, { payees }),
        demands: demandsPaidText(event, locale, channel, t, moneyOf),
        verify: event.verifyUrl ? t('payment_confirmed.verify', { verifyUrl: event.verifyUrl }) : '',
      };
    }
    case 'payment_failed':
      return { amount, paymentId: event.paymentId, duesUrl: links.dues() };
    case 'payment_unknown':
      return {
        amount,
        paymentId: event.paymentId,
        biller: event.billerName,
        confirmBy: formatDateIST(event.confirmBy, locale),
        paymentUrl: links.payment(event.paymentId),
      };
    case 'refund_started':
    case 'refund_completed':
      return {
        amount,
        paymentId: event.paymentId,
        // A demand's line names its provider, not the generic "Payment demands" biller.
        biller: event.demand?.providerName ?? event.billerName,
        reference: event.demand?.reference ?? event.paymentId,
        paymentUrl: links.payment(event.paymentId),
        duesUrl: links.dues(),
      };
    case 'demand_received':
      return {
        amount,
        reference: event.reference,
        provider: event.providerName,
        dueDate: formatDateIST(event.dueDate, locale),
        payUrl: event.payUrl,
        plan: event.plan
          ? t('demand_received.plan', {
              number: formatCount(event.plan.number, locale),
              count: formatCount(event.plan.count, locale),
              total: moneyOf(event.plan.totalMinor),
            })
          : '',
        discount: event.discount
          ? t('demand_received.discount', {
              until: formatDateIST(event.discount.until, locale),
              off: moneyOf(event.discount.amountMinor),
            })
          : '',
      };
    case 'demand_amended': {
      const { next } = event;
      const nextValues = {
        number: formatCount(next.number, locale),
        count: formatCount(next.count, locale),
        nextAmount: moneyOf(next.amountMinor),
        nextDue: formatDateIST(next.dueDate, locale),
      };
      return {
        amount,
        reference: event.reference,
        provider: event.providerName,
        was:
          event.previousMinor !== undefined && event.previousMinor !== event.amountMinor
            ? t('demand_amended.was', { previous: moneyOf(event.previousMinor) })
            : '',
        toPay: t(next.count > 1 ? 'demand_amended.nextPlan' : 'demand_amended.nextSingle', nextValues),
        dates: event.datesChanged ? t('demand_amended.dates') : '',
        payUrl: event.payUrl,
      };
    }
    case 'demand_cancelled':
      return {
        amount,
        reference: event.reference,
        provider: event.providerName,
        paid:
          event.paidMinor > 0
            ? t('demand_cancelled.paid', { paidAmount: moneyOf(event.paidMinor), provider: event.providerName })
            : '',
        pageUrl: event.pageUrl,
      };
    case 'payment_reminder':
      return {
        amount,
        reference: event.reference,
        payee: event.payeeName,
        dueDate: formatDateIST(event.dueDate, locale),
        when:
          event.daysBefore === 0
            ? t('payment_reminder.whenToday')
            : t('payment_reminder.when', { count: event.daysBefore, days: formatCount(event.daysBefore, locale) }),
        payUrl: event.payUrl,
      };
    case 'overdue_notice':
      return {
        amount,
        reference: event.reference,
        payee: event.payeeName,
        dueDate: formatDateIST(event.dueDate, locale),
        payUrl: event.payUrl,
      };
    case 'autopay_pre_debit':
      return {
        amount,
        reference: event.reference,
        payee: event.payeeName,
        chargeOn: formatDateIST(event.chargeOn, locale),
        manageUrl: event.manageUrl,
      };
    case 'autopay_over_limit': {
      const limit = formatMoney(event.limitMinor, event.currency, locale);
      return {
        amount,
        reference: event.reference,
        payee: event.payeeName,
        limit: channel === 'sms' ? smsMoney(limit, locale) : limit,
        payUrl: event.payUrl,
      };
    }
    case 'autopay_charge_failed':
      return {
        amount,
        reference: event.reference,
        payee: event.payeeName,
        reason: t(`autopay_charge_failed.reason.${event.reason}`),
        payUrl: event.payUrl,
      };
    case 'complaint_received':
      return {
        amount,
        complaintId: event.complaintId,
        paymentId: event.paymentId,
        type: t(`complaint_received.type.${event.complaintType}`),
        dueDate: formatDateIST(event.dueAt, locale),
        complaintUrl: links.complaint(event.complaintId),
      };
    case 'complaint_updated':
      return {
        amount,
        complaintId: event.complaintId,
        paymentId: event.paymentId,
        status: t(`complaint_updated.status.${event.status}`),
        dueDate: formatDateIST(event.dueAt, locale),
        complaintUrl: links.complaint(event.complaintId),
      };
    case 'complaint_resolved': {
      const { billerReference, refundReference } = event.evidence ?? {};
      const evidence = [
        billerReference ? t('complaint_resolved.evidence.biller', { reference: billerReference }) : '',
        refundReference ? t('complaint_resolved.evidence.refund', { reference: refundReference }) : '',
      ].join('');
      return {
        amount,
        complaintId: event.complaintId,
        paymentId: event.paymentId,
        outcome: t(`complaint_resolved.outcome.${event.outcome}`),
        disposition: t(`complaint_resolved.disposition.${event.disposition}`),
        evidence,
        complaintUrl: links.complaint(event.complaintId),
      };
    }
    case 'complaint_escalated':
      return {
        amount,
        complaintId: event.complaintId,
        paymentId: event.paymentId,
        level: formatCount(event.level, locale),
        dueDate: formatDateIST(event.dueAt, locale),
        complaintUrl: links.complaint(event.complaintId),
      };
  }
}

/** A message with a placeholder left in it, or a bare key, is a catalog bug: it must never be sent. */
function checked(text: string, key: string): string {
  if (text.includes('{{') || text === key || text.trim() === '') {
    throw new Error(`notification catalog: ${key} rendered incompletely`);
  }
  return text;
}

/**
 * The renderer over the catalogs in `catalogDir`: every message carries its reference and the
 * kind's "what to do next" (`<kind>.next`); an email ends with the service's name. Throws when a
 * message would go out with a placeholder or a bare key in it.
 */
export function createRenderer(links: NotificationLinks, catalogDir = NOTIFICATION_LOCALES_DIR): Render {
  const translator = createTranslator(catalogDir);
  return (event, locale, channel) => {
    const t = translator(locale);
    const values = valuesOf(event, locale, channel, links, t);
    const kind = catalogKey(event);
    const next = checked(t(`${kind}.next`, values), `${kind}.next`);
    if (channel === 'sms') {
      // An optional part left empty (a discount) leaves no double space.
      const sms = checked(t(`${kind}.sms`, { ...values, next }), `${kind}.sms`);
      return { text: sms.replace(/ {2,}/g, ' ') };
    }
    const body = checked(t(`${kind}.body`, { ...values, next }), `${kind}.body`);
    return {
      subject: checked(t(`${kind}.subject`, values), `${kind}.subject`),
      // An optional line left empty (the receipt's verification link) leaves no gap of blank lines.
      text: `${body.replace(/\n{3,}/g, '\n\n')}\n\n${t('signature')}`,
    };
  };
}
