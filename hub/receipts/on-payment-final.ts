import type { Logger } from '../../infra/logger.js';
import type { Notifier } from '../../infra/notifier/index.js';
import type { ContactStore } from '../contacts/contact-store.js';
import type { Payment } from '../payments/index.js';
import { formatRupees } from './receipt-pdf.js';
import type { ReceiptService } from './receipt-service.js';

const OUTCOME: Record<string, string> = {
  completed: 'was paid to every biller',
  partially_refunded: 'was paid in part; the rest is being refunded to you',
  refunded: 'could not be paid and is being refunded to you',
};

export interface FinalPaymentDeps {
  receipts: ReceiptService;
  contacts: ContactStore;
  notifier: Notifier;
  log: Logger;
}

/**
 * What happens once every line of a payment is final: the receipt is issued, and the citizen
 * is told by email (or SMS when only a phone is known). A failed message is logged, never retried
 * into a second receipt: the receipt is also on the citizen's payment page.
 */
export function onPaymentFinal({ receipts, contacts, notifier, log }: FinalPaymentDeps) {
  return async (payment: Payment): Promise<void> => {
    const receipt = await receipts.issue(payment);
    if (!receipt) return;
    const contact = await contacts.find(payment.citizenSub);
    if (!contact) return;
    const text =
      `Your payment ${payment._id} of ${formatRupees(payment.totalMinor)} ${OUTCOME[receipt.status] ?? 'is final'}. ` +
      `Receipt ${receipt._id}: ${receipt.lines.map((l) => `${l.billerName} ${formatRupees(l.amountMinor)} ${l.status}`).join('; ')}.`;
    try {
      await notifier.send(
        contact.email
          ? { channel: 'email', to: contact.email, subject: `Receipt ${receipt._id}`, text }
          : { channel: 'sms', to: contact.phone as string, text },
      );
    } catch (error) {
      log.warn({ err: error, payment: payment._id }, 'receipt message not sent');
    }
  };
}
