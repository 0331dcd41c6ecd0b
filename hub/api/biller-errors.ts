import { BillerError } from '../../adapters/sdk/index.js';
import { AppError } from '../../infra/errors.js';

/**
 * 400 is kept for a request that breaks the API's own schema (in the OpenAPI document); a
 * consumer that breaks its biller's rules (the descriptor's patterns, after normalising) passes
 * that schema, so it is a 422 like the biller's other refusals.
 */
const STATUS: Record<BillerError['code'], number> = {
  invalid_consumer_number: 422,
  consumer_not_found: 422,
  biller_rejected: 422,
  biller_unavailable: 503,
};

/** An adapter's error as the API answers it: its code, whether to retry, the biller's own code. */
export function billerProblem(error: BillerError): AppError {
  return new AppError(STATUS[error.code], error.code, error.message, {
    retryable: error.retryable,
    ...(error.billerCode ? { billerCode: error.billerCode } : {}),
  });
}

/** Rethrows adapter errors as API errors; anything else passes through unchanged. */
export function asApiError(error: unknown): unknown {
  return error instanceof BillerError ? billerProblem(error) : error;
}
