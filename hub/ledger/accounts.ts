/*
 * The chart of accounts, in the hub's books. Money flows citizen → gateway → the hub's settlement
 * bank account → billers; every movement (movements.ts) is a balanced set of entries on these.
 *
 *   asset      gateway:receivable      what the gateway owes the hub: captures it has not yet paid
 *                                      out, less refunds it has netted
 *   asset      bank:settlement         the hub's settlement bank account: gateway payouts in, biller
 *                                      payouts out (gateway fees make it run short of the payables:
 *                                      the hub funds them)
 *   expense    gateway:fees            fees the gateway kept from its payouts
 *   liability  payments:in_flight      captured, not yet settled with a biller nor refunded; lines
 *                                      whose outcome is unknown, or whose refund is held, stay here
 *   liability  payments:held           captures of held payments (capture mismatch): waits for an
 *                                      operator, never settled automatically
 *   liability  biller:<id>:payable     owed to a biller for postings it accepted, until paid out
 *   liability  refunds:payable         refunds the gateway paid to citizens on the hub's behalf and
 *                                      has not yet netted against what it owes the hub
 */

/** Asset: what the gateway owes the hub for captured payments. */
export const GATEWAY_RECEIVABLE = 'gateway:receivable';
/** Asset: the hub's settlement bank account (gateway payouts arrive here, biller payouts leave). */
export const BANK_SETTLEMENT = 'bank:settlement';
/** Expense: the gateway's fees, deducted from its payouts. */
export const GATEWAY_FEES = 'gateway:fees';
/** Liability: captured money not yet settled with a biller nor refunded. */
export const PAYMENTS_IN_FLIGHT = 'payments:in_flight';
/** Liability: the capture of a held payment (amount or currency mismatch), waiting for an operator. */
export const PAYMENTS_HELD = 'payments:held';
/** Liability: refunds the gateway made for the hub, until it nets them against what it owes. */
export const REFUNDS_PAYABLE = 'refunds:payable';

const PAYABLE = /^biller:([^:\s]+):payable$/;

/** Liability: what the hub owes one biller for postings it accepted and has not paid out. */
export const billerPayable = (billerId: string): string => `biller:${billerId}:payable`;

export type AccountType = 'asset' | 'expense' | 'liability';

export interface AccountInfo {
  type: AccountType;
  /** The side on which the account grows: assets and expenses are debit balances, liabilities credit. */
  normal: 'debit' | 'credit';
  /** For a biller's payable: the biller. */
  billerId?: string;
}

const FIXED: Readonly<Record<string, AccountType>> = {
  [GATEWAY_RECEIVABLE]: 'asset',
  [BANK_SETTLEMENT]: 'asset',
  [GATEWAY_FEES]: 'expense',
  [PAYMENTS_IN_FLIGHT]: 'liability',
  [PAYMENTS_HELD]: 'liability',
  [REFUNDS_PAYABLE]: 'liability',
};

/** The account's type and normal side; null for a name that is not in the chart. */
export function accountInfo(account: string): AccountInfo | null {
  const fixed = Object.hasOwn(FIXED, account) ? FIXED[account] : undefined;
  if (fixed) return { type: fixed, normal: fixed === 'liability' ? 'credit' : 'debit' };
  const biller = PAYABLE.exec(account)?.[1];
  return biller ? { type: 'liability', normal: 'credit', billerId: biller } : null;
}

export const isBillerPayable = (account: string): boolean => PAYABLE.test(account);

/**
 * An account's balance on its normal side, from its debits minus credits (in minor units): positive
 * is what an asset holds or a liability owes; negative means more went out than came in.
 */
export function normalBalance(account: string, debitMinusCreditMinor: number): number {
  return accountInfo(account)?.normal === 'credit' ? 0 - debitMinusCreditMinor : debitMinusCreditMinor;
}
