import { maskBillNumber } from '../bills/consumer-key.js';
import type { Autopay } from './autopay-model.js';
import type { AutopayCharge } from './charge-model.js';

/** An autopay as the API shows it to its citizen: no gateway internals beyond what they need. */
export interface AutopayView {
  id: string;
  accountId: string;
  billerId: string;
  status: Autopay['status'];
  limitMinor: number;
  currency: string;
  /** Where the citizen approves the mandate; only while approval is pending. */
  approvalUrl?: string;
  /** ISO 8601: the mandate takes no debit after it. */
  validUntil?: string;
  reason?: string;
  createdAt: string;
  updatedAt: string;
}

/** One bill's autopay debit as the API shows it. */
export interface ChargeView {
  id: string;
  /** Masked, as the API shows a saved account's bill numbers (they may embed the consumer). */
  billNumberMasked: string;
  amountMinor: number;
  currency: string;
  dueDate: string;
  status: AutopayCharge['status'];
  /** ISO 8601: when the debit is (or was) made at the earliest. */
  chargeAt: string;
  noticeSentAt?: string;
  paymentId?: string;
  reason?: string;
}

export function autopayView(autopay: Autopay): AutopayView {
  return {
    id: autopay._id,
    accountId: autopay.accountId,
    billerId: autopay.billerId,
    status: autopay.status,
    limitMinor: autopay.limitMinor,
    currency: autopay.currency,
    ...(autopay.status === 'pending_approval' && autopay.mandate ? { approvalUrl: autopay.mandate.approvalUrl } : {}),
    ...(autopay.mandate ? { validUntil: autopay.mandate.validUntil.toISOString() } : {}),
    ...(autopay.reason ? { reason: autopay.reason } : {}),
    createdAt: autopay.createdAt.toISOString(),
    updatedAt: autopay.updatedAt.toISOString(),
  };
}

export function chargeView(charge: AutopayCharge): ChargeView {
  return {
    id: charge._id,
    billNumberMasked: maskBillNumber(charge.billNumber),
    amountMinor: charge.amountMinor,
    currency: charge.currency,
    dueDate: charge.dueDate,
    status: charge.status,
    chargeAt: charge.chargeAt.toISOString(),
    ...(charge.noticeSentAt ? { noticeSentAt: charge.noticeSentAt.toISOString() } : {}),
    ...(charge.paymentId ? { paymentId: charge.paymentId } : {}),
    ...(charge.reason ? { reason: charge.reason } : {}),
  };
}
