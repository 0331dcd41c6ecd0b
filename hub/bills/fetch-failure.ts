import { BillerError } from '../../adapters/sdk/index.js';
import { AppError } from '../../infra/errors.js';

/** Why a bill could not be fetched, as a due (or a demand's due) carries it in place of the bill. */
export interface FetchFailure {
  /** The biller's error code (consumer_not_found, biller_unavailable, ...) or the hub's (not_found, internal_error). */
  code: string;
  /** The reason in words, or only `fallback` when the reason is internal (a timeout, a stack's message). */
  detail: string;
  /** Whether asking again later may succeed. */
  retryable: boolean;
}

/**
 * A failed bill fetch (BillService.fetch) as one entry of a list that goes on without it. A
 * biller's refusal says why; a biller that is unavailable says only `fallback` (its message is
 * the network's, not the citizen's) and is retryable, as is anything unexpected.
 */
export function fetchFailureOf(error: unknown, fallback: string): FetchFailure {
  if (error instanceof BillerError) {
    return { code: error.code, detail: error.retryable ? fallback : error.message, retryable: error.retryable };
  }
  if (error instanceof AppError) {
    return {
      code: error.code,
      detail: error.expose ? error.message : fallback,
      retryable: Boolean(error.details?.retryable),
    };
  }
  return { code: 'internal_error', detail: fallback, retryable: true };
}
