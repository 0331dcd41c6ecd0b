import type { SandboxMandate } from './mandate-book.js';

/** The hosted page where the citizen approves or declines a mandate. */
export const approvalUrl = (publicUrl: string, mandateId: string) =>
  `${publicUrl}/mandates/${encodeURIComponent(mandateId)}`;

/** The sandbox's JSON for a mandate: what the client's wire schema reads. */
export function mandateBody(mandate: SandboxMandate, publicUrl: string) {
  return {
    id: mandate.id,
    merchantRef: mandate.merchantRef,
    status: mandate.status,
    maxAmount: mandate.maxAmountMinor,
    currency: mandate.currency,
    description: mandate.description,
    returnUrl: mandate.returnUrl,
    validUntil: mandate.validUntil,
    approvalUrl: approvalUrl(publicUrl, mandate.id),
    createdAt: mandate.createdAt,
    updatedAt: mandate.updatedAt,
  };
}
