import { validateConsumer } from '../sdk/consumer.js';
import type { BillerDescriptor, BillerOperations, CallOptions, PostingResult } from '../sdk/contract.js';
import { type AdapterContext, type AdapterDefinition, defineAdapter } from '../sdk/define-adapter.js';
import { statusIfDuplicate } from '../sdk/duplicate-reference.js';
import { BillerError, BillerRejectedError, BillerUnavailableError } from '../sdk/errors.js';
import { type BillerResponse, createBillerHttp } from '../sdk/http-client.js';
import { type AnswerScope, billOf, errorOf, matchRules, resultOf } from './answers.js';
import { createAuthenticator } from './auth.js';
import type { CompiledDeclaration } from './compile.js';
import { moneyFunctions } from './expressions.js';
import { type DeclaredOptions, optionsSchemaOf, secretOptionNames } from './options.js';
import { collectionEntriesOf } from './report.js';
import { createRequestSender, type RequestInput } from './request.js';

/** The number of minor digits of an ISO 4217 currency (INR 2, JPY 0), from the platform's CLDR data. */
export function fractionDigitsOf(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/**
 * The adapter a compiled declaration describes, as a defineAdapter(...) result the registry
 * treats like any code adapter: kind `declared-<descriptor id>`, options checked by the schema
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
  const report = compiled.collectionReport;

  return defineAdapter<DeclaredOptions>({
    kind: `declared-${descriptor.id}`,
    descriptor,
    options: optionsSchemaOf(declaration.options),
    secretOptions: secretNames,
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

      const send = createRequestSender({ billerId, http, auth, functions });

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

        ...(report
          ? {
              async collectionReport(date: string, call?: CallOptions) {
                const input = inputOf({ date });
                const scope = scopeOf(await send(report.request, input, call?.signal), input);
                const matched = await matchRules(scope, report.errors);
                // A file that cannot be had is never a refusal of anything: reconciliation asks again.
                if (matched.outcome !== 'success') throw new BillerUnavailableError(matched.message, matched.code);
                return collectionEntriesOf(scope, report);
              },
            }
          : {}),

        async close() {
          http.close();
        },
      };
    },
  });
}
