/**
 * The wallet provider port: what the hub asks a mobile wallet about a transfer a payer says they
 * made. The sandbox client is one implementation; a real wallet's API is another, behind the same call.
 */

/** What the payer typed: the wallet they paid from and the transaction id the wallet gave them. */
export interface VerifyTransferInput {
  /** A 10-digit Indian mobile number (see normaliseWalletNumber). */
  walletNumber: string;
  /** As normalised by normaliseTransactionId: capital letters and digits. */
  transactionId: string;
  /** The merchant wallet the money must have gone to; another payee is a mismatch. */
  expectedPayee?: string;
}

/**
 * The wallet's answer. Only `verified`, `not_found` and `mismatch` are the wallet's word;
 * `unknown` (a timeout, a 5xx, an answer the client cannot read) says nothing about the transfer:
 * it must never be taken as "not paid", only asked again later.
 */
export type TransferVerification =
  | {
      status: 'verified';
      transactionId: string;
      /** Paise. */
      amountMinor: number;
      currency: 'INR';
      paidAt: Date;
      payerWallet: string;
      payee: string;
    }
  | { status: 'not_found'; transactionId: string }
  /** The transfer exists but came from another wallet, or went to another payee than expected. */
  | { status: 'mismatch'; transactionId: string; field: 'walletNumber' | 'payee' }
  | { status: 'unknown'; transactionId: string; reason: string };

export interface WalletProvider {
  /** Names the wallet in logs and in the once-per-transaction key, e.g. "sandbox". */
  readonly identifier: string;
  /** Asks the wallet about one transfer; never throws for the wallet's failures (they are `unknown`). */
  verifyTransfer(input: VerifyTransferInput): Promise<TransferVerification>;
  /** Releases sockets. */
  close?(): void;
}
