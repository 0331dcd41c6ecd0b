import { randomInt } from 'node:crypto';

/** A wallet-to-merchant transfer as the sandbox wallet holds it. Paise; `paidAt` ISO 8601. */
export interface SandboxTransfer {
  transactionId: string;
  /** The payer's wallet: a 10-digit Indian mobile number. */
  payerWallet: string;
  /** The merchant wallet the money went to. */
  payee: string;
  amountMinor: number;
  currency: 'INR';
  paidAt: string;
}

/** What seeding a transfer answers: created, or the same transfer already there. */
export type SeedResult = { transfer: SandboxTransfer; created: true } | { transfer: SandboxTransfer; created: false };

/** A seed whose transaction id is already held by another transfer. */
export class TransferConflictError extends Error {}

const same = (a: SandboxTransfer, b: SandboxTransfer) =>
  a.payerWallet === b.payerWallet && a.payee === b.payee && a.amountMinor === b.amountMinor && a.paidAt === b.paidAt;

/**
 * The wallet's transfers in memory, by transaction id, and how often each id was asked about (so a
 * test can see the hub verified a transaction once). Seeding is idempotent on the id.
 */
export class TransferBook {
  private readonly transfers = new Map<string, SandboxTransfer>();
  private readonly verifications = new Map<string, number>();

  /** A fresh transaction id in the wallet's style: `WT` + 12 digits. */
  static newTransactionId(): string {
    return `WT${String(randomInt(1e6)).padStart(6, '0')}${String(randomInt(1e6)).padStart(6, '0')}`;
  }

  /** Adds a transfer; the same one again answers created: false, another under the same id throws TransferConflictError. */
  seed(transfer: SandboxTransfer): SeedResult {
    const existing = this.transfers.get(transfer.transactionId);
    if (!existing) {
      this.transfers.set(transfer.transactionId, transfer);
      return { transfer, created: true };
    }
    if (same(existing, transfer)) return { transfer: existing, created: false };
    throw new TransferConflictError(`transaction ${transfer.transactionId} is another transfer`);
  }

  /** The transfer with this id, counting the question. */
  lookUp(transactionId: string): SandboxTransfer | undefined {
    this.verifications.set(transactionId, (this.verifications.get(transactionId) ?? 0) + 1);
    return this.transfers.get(transactionId);
  }

  /** How many verify calls asked about this id. */
  verificationsOf(transactionId: string): number {
    return this.verifications.get(transactionId) ?? 0;
  }

  list(): SandboxTransfer[] {
    return [...this.transfers.values()];
  }
}
