export type { BillClaim, BillClaimModel } from './bill-claim-model.js';
export { billClaimModel } from './bill-claim-model.js';
export { BillClaimContendedError, BillClaims, type ClaimResult } from './bill-claims.js';
export { type BillPayer, findBillPayers, findOpenCheckouts, OPEN_CHECKOUT_STATUSES, paysBill } from './bill-status.js';
export { failLinesPaidElsewhere, type PaidElsewhereDeps } from './paid-elsewhere.js';
