import type { ConsumerRef, PaymentPosting } from '../sdk/contract.js';
import { BillerUnavailableError } from '../sdk/errors.js';
import type { BillerHttp, BillerResponse } from '../sdk/http-client.js';
import type { Authenticator } from './auth.js';
import type { CompiledRequest } from './compile.js';
import { type CompiledExpression, ExpressionError, evaluate } from './expressions.js';
import type { DeclaredOptions } from './options.js';

/** What a call's templates see, as their input and as variables (`$consumer`, `$posting` ...). */
export interface RequestInput {
  /** The validated consumer (fetch, post). */
  consumer?: ConsumerRef;
  /** The posting without its consumer (post). */
  posting?: Omit<PaymentPosting, 'consumer'>;
  /** The hub's reference (post, status). */
  reference?: string;
  /** The IST day asked about, YYYY-MM-DD (collection report). */
  date?: string;
  options: DeclaredOptions;
  /** ISO 8601, when the call is made. */
  now: string;
}

/** A value placed in a URL, a query or a form: text; objects as JSON. */
export function wireText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export interface RequestSenderOptions {
  billerId: string;
  http: BillerHttp;
  auth: Authenticator;
  /** The money functions every expression may call (moneyFunctions). */
  functions: Record<string, unknown>;
}

/** Sends one declared call: renders it, authenticates it, and returns the answer (any status below 500). */
export type RequestSender = (
  call: CompiledRequest,
  input: RequestInput,
  signal?: AbortSignal,
) => Promise<BillerResponse<unknown>>;

/**
 * Renders a call's templates (path placeholders URL-encoded, query, JSON or form body), applies the
 * authentication and sends it through the biller's createBillerHttp client. A 401 to a request
 * with an OAuth2 token renews the token once and resends; a second 401 is BillerUnavailableError.
 * A template that fails on our own data is a declaration fault: BillerUnavailableError
 * (`DECLARATION_ERROR`), an operator's fix, never a refusal.
 */
export function createRequestSender({ billerId, http, auth, functions }: RequestSenderOptions): RequestSender {
  const render = async (expression: CompiledExpression, input: RequestInput) => {
    try {
      return await evaluate(expression, input, { ...functions, ...input });
    } catch (error) {
      if (error instanceof ExpressionError) {
        throw new BillerUnavailableError(`${billerId} declaration ${error.message}`, 'DECLARATION_ERROR');
      }
      throw error;
    }
  };
  const renderAll = async (expressions: Record<string, CompiledExpression>, input: RequestInput) => {
    const values: Record<string, unknown> = {};
    for (const [name, expression] of Object.entries(expressions)) {
      const value = await render(expression, input);
      if (value !== undefined && value !== null) values[name] = value;
    }
    return values;
  };

  return async (call, input, signal) => {
    const parts = await Promise.all(
      call.path.map(async (part) => {
        if (typeof part === 'string') return part;
        const value = await render(part, input);
        if (value === undefined || value === null || value === '') {
          throw new BillerUnavailableError(`${billerId} declaration ${part.field}: gave no value`, 'DECLARATION_ERROR');
        }
        return encodeURIComponent(wireText(value));
      }),
    );
    const params = Object.fromEntries(
      Object.entries(await renderAll(call.query, input)).map(([name, value]) => [name, wireText(value)]),
    );
    const fields = call.body ? await renderAll(call.body.fields, input) : undefined;
    const form = call.body?.encoding === 'form';

    const attempt = async () => {
      // Signed per attempt; createBillerHttp's own retries resend the same signed body.
      const authed = await auth.prepare(fields, Date.now());
      const data = authed.body
        ? form
          ? new URLSearchParams(
              Object.entries(authed.body).map(([name, value]): [string, string] => [name, wireText(value)]),
            ).toString()
          : authed.body
        : undefined;
      const headers = {
        ...authed.headers,
        ...(data !== undefined
          ? { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' }
          : {}),
      };
      const response = await http.request<unknown>({
        method: call.method,
        url: parts.join(''),
        ...(Object.keys(params).length ? { params } : {}),
        ...(data !== undefined ? { data } : {}),
        headers,
        idempotent: call.idempotent,
        ...(signal ? { signal } : {}),
      });
      return { response, authed };
    };
    const first = await attempt();
    if (first.response.status !== 401 || !auth.refused(first.authed)) return first.response;
    // A refused token: one fresh token and one more try, never a loop. A 401 means nothing was done.
    const second = await attempt();
    if (second.response.status === 401) {
      throw new BillerUnavailableError(`${billerId} refused a freshly issued access token`, '401');
    }
    return second.response;
  };
}
