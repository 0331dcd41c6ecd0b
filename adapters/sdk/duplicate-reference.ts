import type { PostingResult } from './contract.js';
import { BillerError } from './errors.js';

/**
 * Codes and texts billers use to say "a posting with this reference already exists" (for example
 * DUPLICATE_TXN, DUPLICATE_PARTNER_REF, ALREADY_POSTED). Checked on the biller's own code and text,
 * never on the HTTP status alone.
 */
const DUPLICATE = /DUPLICATE|ALREADY[\s_-]?(EXISTS|RECEIVED|POSTED|PROCESSED|PAID)/i;

/** True when a biller's code or text says the reference was already received. */
export function isDuplicateReference(code?: string, text?: string): boolean {
  return DUPLICATE.test(code ?? '') || DUPLICATE.test(text ?? '');
}

/**
 * A re-post (after a crash, a timeout) that the biller refuses as a duplicate means it already
 * has the posting: that is never a rejection, whatever the HTTP status (often 409 or 422). The
 * answer is the posting's status, asked at once; a status that cannot find it yet is pending, so
 * the hub asks again. Any other error is rethrown unchanged.
 */
export async function statusIfDuplicate(
  reference: string,
  error: unknown,
  paymentStatus: (reference: string) => Promise<PostingResult>,
): Promise<PostingResult> {
  if (!(error instanceof BillerError) || !isDuplicateReference(error.billerCode, error.message)) throw error;
  const found = await paymentStatus(reference);
  if (found.status !== 'not_found') return found;
  return {
    reference,
    status: 'pending',
    ...(error.billerCode ? { billerStatus: error.billerCode } : {}),
    message: 'the biller reports this reference as already received',
  };
}
