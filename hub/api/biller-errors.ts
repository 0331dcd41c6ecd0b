import type { Middleware } from 'koa';
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

/**
 * The one place the API turns an adapter's error into its answer: domain code (BillService,
 * checkout, saved accounts) lets BillerErrors go up as the adapter threw them, and the hub's
 * problem+json renderer (infra/http/problem.ts) renders the AppError made here. Hub errors (the
 * gateway's among them) are AppErrors already and pass through unchanged.
 */
export const billerErrorsAsProblems: Middleware = async (_ctx, next) => {
  try {
    await next();
  } catch (error) {
    throw error instanceof BillerError ? billerProblem(error) : error;
  }
};
