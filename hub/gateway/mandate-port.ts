/**
 * Mandates (India's e-mandate / recurring payments): the citizen approves, once, on the
 * gateway's hosted page, that the hub may debit up to `maxAmountMinor` per debit until
 * `validUntil`; the hub then charges bills against it without the citizen at the screen. A
 * charge is an order of the gateway like any other (same ids, same signed webhooks, same
 * refunds), so captures, settlement, the ledger and reconciliation treat it as a checkout paid.
 */
import type { GatewayOrder, OrderStatus } from './port.js';

/**
 * pending_approval: waiting for the citizen on the hosted page; active: may be charged;
 * declined: the citizen (or the bank) refused it; revoked: cancelled by the merchant or the
 * bank; expired: past validUntil, or never approved in time. Only `active` takes a charge.
 */
export type MandateStatus = 'pending_approval' | 'active' | 'declined' | 'revoked' | 'expired';

export interface CreateMandateInput {
  /** The hub's own id for it (the autopay's id): the gateway dedupes on it. */
  mandateRef: string;
  /** The most one debit may take, in integer minor units (paise). */
  maxAmountMinor: number;
  currency: string;
  /** The mandate takes no charge after this. */
  validUntil: Date;
  /** Where the hosted approval page sends the citizen back, with `?mandate=<mandateId>`. */
  returnUrl: string;
  description: string;
}

export interface CreatedMandate {
  mandateId: string;
  /** The hosted page where the citizen approves or declines. */
  approvalUrl: string;
}

export interface GatewayMandate {
  mandateId: string;
  mandateRef: string;
  /** Only an explicit word is final; a word the hub does not know reads pending_approval. */
  status: MandateStatus;
  maxAmountMinor: number;
  currency: string;
  /** ISO 8601. */
  validUntil: string;
  approvalUrl: string;
}

export interface MandateChargeInput {
  mandateId: string;
  /** The hub's payment id: the charge's merchant reference; a repeat returns the first charge. */
  paymentId: string;
  /** Integer minor units; at most the mandate's maxAmountMinor. */
  amountMinor: number;
  currency: string;
  description: string;
}

export interface MandateCharge {
  /** The gateway order the debit made: captures and refunds go through it as through any order. */
  orderId: string;
  checkoutUrl: string;
  status: OrderStatus;
}

/**
 * What the hub needs from a gateway that holds mandates. Every call has the client's timeout;
 * GatewayUnavailableError (timeout, 5xx) means the outcome is unknown, GatewayRejectedError a
 * refusal for good (`gatewayCode` says which: `mandate_not_active`, `amount_exceeds_mandate`).
 */
export interface MandateGateway {
  createMandate(input: CreateMandateInput): Promise<CreatedMandate>;
  /** Throws GatewayRejectedError with gatewayCode `mandate_not_found`. */
  getMandate(mandateId: string): Promise<GatewayMandate>;
  /** Revokes the mandate (repeat-safe) and answers it as it then stands; it takes no further charge. */
  revokeMandate(mandateId: string): Promise<GatewayMandate>;
  /**
   * Debits the mandate for one payment, idempotent on `paymentId`: a repeat (a retry after a
   * timeout) returns the first charge and moves no more money. The capture is reported by the
   * order's signed webhooks; `status` is only what the gateway said at once.
   */
  chargeMandate(input: MandateChargeInput): Promise<MandateCharge>;
  /**
   * The charge made for `paymentId` on this mandate, or undefined when the gateway never made one:
   * how an ambiguous charge answer is resolved without charging again.
   */
  findMandateCharge(mandateId: string, paymentId: string): Promise<GatewayOrder | undefined>;
}
