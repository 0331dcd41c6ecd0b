import { AppError } from '../../infra/errors.js';

/**
 * Why a wallet transfer does not settle a demand:
 * - `already_used`: the transaction id has paid something already (once per transaction, forever);
 * - `in_use`: it is being verified right now, or for another demand or wallet number;
 * - `not_found`: the wallet has no such transaction;
 * - `wallet_mismatch`: the transaction came from another wallet than the one typed;
 * - `payee_mismatch`: the money went to another merchant than the hub's;
 * - `amount_mismatch`: the amount is not what the next instalment(s) cost on the transfer's day;
 * - `not_payable`, `out_of_order`: the demand's own refusals (cancelled or paid; see hub/demands).
 */
export type WalletRefusal =
  | 'already_used'
  | 'in_use'
  | 'not_found'
  | 'wallet_mismatch'
  | 'payee_mismatch'
  | 'amount_mismatch'
  | 'not_payable'
  | 'out_of_order';

/**
 * A wallet transfer refused for a stated reason, nothing recorded: 409 for a transaction already
 * used or in use, 422 otherwise (the payer can correct what they typed and try again). `details`
 * carries `reason` and, for an amount mismatch, what the next instalments cost (`payableMinor`, paise,
 * for 1, 2, ... instalments).
 */
export class WalletTransferRefusedError extends AppError {
  constructor(
    readonly reason: WalletRefusal,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(reason === 'already_used' || reason === 'in_use' ? 409 : 422, `wallet_${reason}`, message, {
      reason,
      ...details,
    });
  }
}
