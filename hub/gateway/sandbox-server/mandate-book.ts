import { notFound, SandboxApiError } from './api-error.js';
import { newId, type SandboxOutcome } from './order-book.js';

/** pending_approval → active | declined | expired; active → revoked | expired. */
export type SandboxMandateStatus = 'pending_approval' | 'active' | 'declined' | 'revoked' | 'expired';

/** The terms a merchant asks for; a SandboxMandate is these plus its state. */
export interface NewMandate {
  merchantRef: string;
  maxAmountMinor: number;
  currency: string;
  description: string;
  returnUrl: string;
  /** ISO 8601: no charge after it. */
  validUntil: string;
}

export interface SandboxMandate extends NewMandate {
  id: string;
  status: SandboxMandateStatus;
  /** How this mandate's next charges end (test control); success unless set. */
  chargeOutcome: SandboxOutcome;
  createdAt: string;
  updatedAt: string;
}

/** How long a mandate may wait for its approval before it lapses, as at real gateways (a day). */
export const APPROVAL_WINDOW_MS = 24 * 3_600_000;

/**
 * Mandates in memory, deduplicated on merchantRef, with the charges made on each (merchantRef of
 * the charge → order id). Synchronous, so two concurrent repeats cannot both be new.
 */
export class MandateBook {
  private readonly mandates = new Map<string, SandboxMandate>();
  private readonly byRef = new Map<string, string>();
  private readonly charges = new Map<string, Map<string, string>>();

  constructor(private readonly now: () => number) {}

  private nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** A mandate past validUntil expires; one left unapproved for APPROVAL_WINDOW_MS too. */
  private lapse(mandate: SandboxMandate): SandboxMandate {
    const now = this.now();
    const unapprovedTooLong =
      mandate.status === 'pending_approval' && Date.parse(mandate.createdAt) + APPROVAL_WINDOW_MS <= now;
    const pastValidity =
      (mandate.status === 'pending_approval' || mandate.status === 'active') && Date.parse(mandate.validUntil) <= now;
    if (unapprovedTooLong || pastValidity) {
      mandate.status = 'expired';
      mandate.updatedAt = this.nowIso();
    }
    return mandate;
  }

  /** The mandate for a merchantRef, made on first sight; a repeat with other terms is a conflict. */
  open(input: NewMandate): { mandate: SandboxMandate; created: boolean } {
    const existing = this.find(this.byRef.get(input.merchantRef) ?? '');
    if (existing) {
      if (existing.maxAmountMinor !== input.maxAmountMinor || existing.currency !== input.currency) {
        throw new SandboxApiError(409, 'merchant_ref_conflict', 'merchantRef was used for another mandate', {
          mandateId: existing.id,
        });
      }
      return { mandate: existing, created: false };
    }
    const now = this.nowIso();
    const mandate: SandboxMandate = {
      ...input,
      id: newId('mdt'),
      status: 'pending_approval',
      chargeOutcome: 'success',
      createdAt: now,
      updatedAt: now,
    };
    this.mandates.set(mandate.id, mandate);
    this.byRef.set(mandate.merchantRef, mandate.id);
    return { mandate, created: true };
  }

  find(id: string): SandboxMandate | undefined {
    const mandate = this.mandates.get(id);
    return mandate ? this.lapse(mandate) : undefined;
  }

  get(id: string): SandboxMandate {
    const mandate = this.find(id);
    if (!mandate) throw notFound('mandate', id);
    return mandate;
  }

  /** The citizen's answer on the hosted page; only a mandate waiting for one takes it. */
  decide(id: string, decision: 'approve' | 'decline'): SandboxMandate {
    const mandate = this.get(id);
    if (mandate.status !== 'pending_approval') {
      throw new SandboxApiError(409, 'mandate_not_pending', `mandate ${id} is ${mandate.status}`);
    }
    mandate.status = decision === 'approve' ? 'active' : 'declined';
    mandate.updatedAt = this.nowIso();
    return mandate;
  }

  /** Revoked for good; repeat-safe. A declined or expired mandate stays as it is. */
  revoke(id: string): SandboxMandate {
    const mandate = this.get(id);
    if (mandate.status === 'active' || mandate.status === 'pending_approval') {
      mandate.status = 'revoked';
      mandate.updatedAt = this.nowIso();
    }
    return mandate;
  }

  /** Throws unless the mandate may take a debit of this amount now. */
  checkChargeable(mandate: SandboxMandate, amountMinor: number, currency: string): void {
    if (mandate.status !== 'active') {
      throw new SandboxApiError(409, 'mandate_not_active', `mandate ${mandate.id} is ${mandate.status}`, {
        status: mandate.status,
      });
    }
    if (currency !== mandate.currency || amountMinor > mandate.maxAmountMinor) {
      throw new SandboxApiError(409, 'amount_exceeds_mandate', `the mandate allows at most ${mandate.maxAmountMinor}`, {
        maxAmount: mandate.maxAmountMinor,
      });
    }
  }

  chargeOf(mandateId: string, merchantRef: string): string | undefined {
    return this.charges.get(mandateId)?.get(merchantRef);
  }

  recordCharge(mandateId: string, merchantRef: string, orderId: string): void {
    const list = this.charges.get(mandateId) ?? new Map<string, string>();
    list.set(merchantRef, orderId);
    this.charges.set(mandateId, list);
  }
}
