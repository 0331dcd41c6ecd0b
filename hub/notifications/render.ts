import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TFunction } from 'i18next';
import type { Channel } from '../../infra/notifier/index.js';
import { formatDateIST, formatMoney } from '../../infra/web/format.js';
import { createTranslator } from '../../infra/web/i18n.js';
import { intlLocale, type Locale } from '../../infra/web/locale.js';
import type { NotificationEvent } from './events.js';
import type { NotificationLinks } from './links.js';

/** The message catalogs, one per language: `<kind>.{sms, subject, body, next}` (hub/notifications/locales). */
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

/** The values the kind's messages interpolate: amounts and dates already formatted for the locale, in IST. */
function valuesOf(event: NotificationEvent, locale: Locale, channel: Channel, links: NotificationLinks, t: TFunction) {
  const money = formatMoney(event.amountMinor, event.currency, locale);
  const amount = channel === 'sms' ? smsMoney(money, locale) : money;
  switch (event.kind) {
    case 'payment_confirmed':
      return {
        amount,
        paymentId: event.paymentId,
        receiptId: event.receiptId,
        receiptUrl: links.receipt(event.paymentId),
        outcome: t(`payment_confirmed.outcome.${event.outcome}`),
        verify: event.verifyUrl ? t('payment_confirmed.verify', { verifyUrl: event.verifyUrl }) : '',
      };
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
        biller: event.billerName,
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
    const next = checked(t(`${event.kind}.next`, values), `${event.kind}.next`);
    if (channel === 'sms') {
      return { text: checked(t(`${event.kind}.sms`, { ...values, next }), `${event.kind}.sms`) };
    }
    const body = checked(t(`${event.kind}.body`, { ...values, next }), `${event.kind}.body`);
    return {
      subject: checked(t(`${event.kind}.subject`, values), `${event.kind}.subject`),
      // An optional line left empty (the receipt's verification link) leaves no gap of blank lines.
      text: `${body.replace(/\n{3,}/g, '\n\n')}\n\n${t('signature')}`,
    };
  };
}
