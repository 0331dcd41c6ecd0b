import { validateConsumer } from '../sdk/consumer.js';
import type {
  BillerDescriptor,
  BillerOperations,
  CallOptions,
  ConsumerRef,
  PaymentPosting,
  PostingResult,
} from '../sdk/contract.js';
import { type AdapterContext, type AdapterDefinition, defineAdapter } from '../sdk/define-adapter.js';
import { statusIfDuplicate } from '../sdk/duplicate-reference.js';
import { BillerError, BillerRejectedError, BillerUnavailableError } from '../sdk/errors.js';
import { type BillerResponse, createBillerHttp } from '../sdk/http-client.js';
import { type AnswerScope, billOf, errorOf, matchRules, resultOf } from './answers.js';
import { createAuthenticator } from './auth.js';
import type { CompiledDeclaration, CompiledRequest } from './compile.js';
import { ExpressionError, evaluate, moneyFunctions } from './expressions.js';
import { type DeclaredOptions, optionsSchemaOf, secretOptionNames } from './options.js';

/** What a call's templates see (as input and as `$consumer`, `$posting` ...). */
interface RequestInput {
  consumer?: ConsumerRef;
  posting?: Omit<PaymentPosting, 'consumer'>;
  reference?: string;
  options: DeclaredOptions;
  /** ISO 8601, when the call is made. */
  now: string;
}

/** The number of minor digits of an ISO 4217 currency (INR 2, JPY 0), from the platform's CLDR data. */
export function fractionDigitsOf(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** A value placed in a URL, a query or a form: text; objects as JSON. */
function wireText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The adapter a compiled declaration describes, as a defineAdapter(...) result the registry
 * treats like any code adapter: kind `declared:<descriptor id>`, options checked by the schema
 * built from the declaration's `options`. Every call goes through createBillerHttp (timeouts,
 * retries for idempotent calls only, secrets redacted); the consumer is validated first.
 */
export function declaredAdapter(compiled: CompiledDeclaration): AdapterDefinition<DeclaredOptions> {
  const { declaration } = compiled;
  const descriptor: BillerDescriptor = declaration.descriptor;
  const fractionDigits = fractionDigitsOf(descriptor.currency);
  const functions = moneyFunctions(fractionDigits);
  const statuses = declaration.statuses;
  const secretNames = secretOptionNames(declaration.options);

  return defineAdapter<DeclaredOptions>({
    kind: `declared-${descriptor.id}`,
    descriptor,
    options: optionsSchemaOf(declaration.options),
    create(options: DeclaredOptions, context: AdapterContext): BillerOperations {
      const billerId = descriptor.id;
      // The list createBillerHttp redacts: the secret options, and OAuth2 tokens as they are issued.
      const secrets = secretNames.map((name) => String(options[name] ?? '')).filter(Boolean);
      const http = createBillerHttp({
        name: billerId,
        baseURL: String(options[declaration.http.baseUrlOption]),
        timeoutMs: Number(options.timeoutMs),
        retries: Number(options.retries),
        headers: { accept: 'application/json', ...declaration.http.headers },
        secrets,
        log: context.log,
      });
      const auth = createAuthenticator(declaration.auth, options, http, secrets);

      const render = async (expression: Parameters<typeof evaluate>[0], input: RequestInput) => {
        try {
          return await evaluate(expression, input, { ...functions, ...input });
        } catch (error) {
          // Our own declaration failed on our own data: an operator's fix, never the citizen's refusal.
          if (error instanceof ExpressionError) {
            throw new BillerUnavailableError(`${billerId} declaration ${error.message}`, 'DECLARATION_ERROR');
          }
          throw error;
        }
      };

      const send = async (call: CompiledRequest, input: RequestInput, signal?: AbortSignal) => {
        const parts = await Promise.all(
          call.path.map(async (part) => {
            if (typeof part === 'string') return part;
            const value = await render(part, input);
            if (value === undefined || value === null || value === '') {
              throw new BillerUnavailableError(
                `${billerId} declaration ${part.field}: gave no value`,
                'DECLARATION_ERROR',
              );
            }
            return encodeURIComponent(wireText(value));
          }),
        );
        const params: Record<string, string> = {};
        for (const [name, expression] of Object.entries(call.query)) {
          const value = await render(expression, input);
          if (value !== undefined && value !== null) params[name] = wireText(value);
        }
        let fields: Record<string, unknown> | undefined;
        if (call.body) {
          fields = {};
          for (const [name, expression] of Object.entries(call.body.fields)) {
            const value = await render(expression, input);
            if (value !== undefined && value !== null) fields[name] = value;
          }
        }
        const attempt = async () => {
          // Signed once per attempt sequence: createBillerHttp's retries resend the same body.
          const authed = await auth.prepare(fields, Date.now());
          const form = call.body?.encoding === 'form';
          const data = authed.body
            ? form
              ? new URLSearchParams(
                  Object.entries(authed.body).map(([k, v]): [string, string] => [k, wireText(v)]),
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

      const scopeOf = (response: BillerResponse<unknown>, input: RequestInput): AnswerScope => ({
        billerId,
        fractionDigits,
        status: response.status,
        body: response.data,
        bindings: { ...functions, ...input },
      });
      const inputOf = (extra: Omit<RequestInput, 'options' | 'now'>): RequestInput => ({
        ...extra,
        options,
        now: new Date().toISOString(),
      });

      const paymentStatus = async (reference: string, call?: CallOptions): Promise<PostingResult> => {
        // No posting can have an empty reference; asking would only hit a listing URL.
        if (reference.trim() === '') return { reference, status: 'not_found' };
        const input = inputOf({ reference });
        const scope = scopeOf(await send(compiled.status.request, input, call?.signal), input);
        const matched = await matchRules(scope, compiled.status.errors);
        if (matched.outcome === 'not_found') return { reference, status: 'not_found', billerStatus: matched.code };
        if (matched.outcome === 'pending') {
          return { reference, status: 'pending', billerStatus: matched.code, message: matched.message };
        }
        // Nothing a status enquiry says is a refusal of a payment: only its status word can be final.
        if (matched.outcome !== 'success') throw new BillerUnavailableError(matched.message, matched.code);
        return resultOf(scope, compiled.status.result, statuses, reference, 'status');
      };

      return {
        async fetchBill(consumer, call) {
          const checked = validateConsumer(descriptor, consumer);
          const input = inputOf({ consumer: checked });
          const scope = scopeOf(await send(compiled.fetch.request, input, call?.signal), input);
          const matched = await matchRules(scope, compiled.fetch.errors);
          if (matched.outcome === 'not_found') throw errorOf({ ...matched, outcome: 'consumer_not_found' });
          if (matched.outcome !== 'success') throw errorOf(matched);
          return billOf(scope, compiled.fetch.bill, descriptor.currency, new Date());
        },

        async postPayment(posting, call) {
          const checked = validateConsumer(descriptor, posting.consumer);
          if (!Number.isSafeInteger(posting.amountMinor) || posting.amountMinor <= 0) {
            throw new BillerRejectedError(
              `amount must be a positive whole number of minor units, got ${posting.amountMinor}`,
            );
          }
          const { consumer: _consumer, ...rest } = posting;
          const input = inputOf({ consumer: checked, posting: rest, reference: posting.reference });
          try {
            const scope = scopeOf(await send(compiled.post.request, input, call?.signal), input);
            const matched = await matchRules(scope, compiled.post.errors);
            if (matched.outcome === 'duplicate') {
              // The biller says it has this reference already: its status answers (statusIfDuplicate).
              throw new BillerRejectedError(`duplicate reference: ${matched.message}`, matched.code);
            }
            if (matched.outcome === 'pending' || matched.outcome === 'not_found') {
              return {
                reference: posting.reference,
                status: 'pending',
                billerStatus: matched.code,
                message: matched.message,
              };
            }
            if (matched.outcome !== 'success') throw errorOf(matched);
            return await resultOf(scope, compiled.post.result, statuses, posting.reference, 'post');
          } catch (error) {
            if (!(error instanceof BillerError)) throw error;
            // "Duplicate reference" to a re-post: the biller has it, so its status answers, not a refusal.
            return statusIfDuplicate(posting.reference, error, (reference) => paymentStatus(reference, call));
          }
        },

        paymentStatus,

        async close() {
          http.close();
        },
      };
    },
  });
}
