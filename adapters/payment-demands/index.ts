import { z } from 'zod';
import {
  type BillerDescriptor,
  BillerError,
  BillerRejectedError,
  BillerUnavailableError,
  ConsumerNotFoundError,
  type ConsumerRef,
  defineAdapter,
  validateConsumer,
} from '../sdk/index.js';
import { BILLER_ID, billFromQuote, CURRENCY, collectionEntryOf, instalmentOf, postingFromRecord } from './mapping.js';
import { type DemandBillerPort, isDemandBillerPort } from './port.js';

export { type DemandBillerPort, isDemandBillerPort } from './port.js';

/** The demand reference as the hub prints it: DM, two groups of five and a check character (Crockford base32). */
const REFERENCE_PATTERN = 'DM-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]';

export const descriptor: BillerDescriptor = {
  id: BILLER_ID,
  name: 'Payment demands',
  category: 'other',
  consumerParams: [
    { name: 'demandReference', label: 'Demand reference', pattern: REFERENCE_PATTERN, example: 'DM-7K2QX-9ZT4M-R' },
  ],
  fetchRequirement: 'MANDATORY',
  // A bill is paid with exactly one of its amount options: the next 1..k instalments, each at
  // its payable amount that day (base + late fee - discount); the first option is the amount due.
  exactness: 'EXACT',
  currency: CURRENCY,
};

/**
 * The demands live in the hub itself, so there is no URL or credential: only how long one call to
 * the demand store may take, and how often a read (bill, status) is tried again after a failure.
 */
export const paymentDemandsOptions = z
  .object({
    // Coerced: registry values that come from environment variables are strings.
    timeoutMs: z.coerce.number().int().positive().default(5_000),
    retries: z.coerce.number().int().min(0).max(5).default(1),
  })
  .strict();

/** The Indian calendar day of an instant (IST is UTC+05:30, no daylight saving). */
export function indianDay(at: Date): string {
  return new Date(at.getTime() + 330 * 60_000).toISOString().slice(0, 10);
}

/**
 * The hub's own biller for payment demands (hub/demands/), behind the same contract as a utility,
 * so checkout, settlement, refunds, receipts and reconciliation treat a demand instalment like any
 * bill. It works in-process through the `demands` service (a DemandBillerPort) the hub gives the
 * registry; without one (a process that does not serve demands) every call is BillerUnavailableError.
 */
export const paymentDemandsAdapter = defineAdapter<z.infer<typeof paymentDemandsOptions>>({
  kind: 'payment-demands',
  descriptor,
  options: paymentDemandsOptions,
  create(options, context) {
    const service = context.services?.demands;
    const port = (): DemandBillerPort => {
      if (!isDemandBillerPort(service)) throw new BillerUnavailableError('payment demands are not served here');
      return service;
    };
    // A failing store (down, not connected yet) says nothing about a posting: unavailable, retryable,
    // so settlement asks paymentStatus later rather than refunding on a guess.
    // A posting is tried once (the hub's own retries and status enquiries take over); reads again.
    const call = async <T>(run: (demands: DemandBillerPort) => Promise<T>, retries = 0): Promise<T> => {
      const demands = port();
      for (let attempt = 0; ; attempt++) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new BillerUnavailableError(`payment demands: no answer in ${options.timeoutMs} ms`)),
            options.timeoutMs,
          );
        });
        try {
          return await Promise.race([run(demands), timeout]);
        } catch (error) {
          if (error instanceof BillerError && !(error instanceof BillerUnavailableError)) throw error;
          if (attempt >= retries) {
            if (error instanceof BillerUnavailableError) throw error;
            throw new BillerUnavailableError(`payment demands: ${(error as Error).message}`);
          }
        } finally {
          clearTimeout(timer);
        }
      }
    };
    const referenceOf = (consumer: ConsumerRef) => validateConsumer(descriptor, consumer).demandReference as string;

    return {
      async fetchBill(consumer) {
        const reference = referenceOf(consumer);
        const now = new Date();
        const quote = await call((d) => d.nextInstalment(reference, indianDay(now)), options.retries);
        if ('none' in quote) {
          const message = quote.none === 'not_found' ? 'no such demand' : 'nothing is due on this demand';
          throw new ConsumerNotFoundError(message, quote.none === 'not_found' ? 'DEMAND_NOT_FOUND' : 'NO_BILL_DUE');
        }
        return billFromQuote(quote, now);
      },

      async postPayment(posting) {
        const reference = referenceOf(posting.consumer);
        const instalment = instalmentOf(posting.billNumber, reference);
        if (instalment === undefined) {
          throw new BillerRejectedError(`bill ${posting.billNumber} is not an instalment of ${reference}`, 'BAD_BILL');
        }
        const paid = await call((d) =>
          d.pay(reference, {
            paymentId: posting.reference,
            instalment,
            amountMinor: posting.amountMinor,
            paidAt: new Date(posting.paidAt),
            ...(posting.billedOn ? { day: posting.billedOn } : {}),
          }),
        );
        if (paid.outcome === 'not_found') throw new BillerRejectedError('no such demand', 'DEMAND_NOT_FOUND');
        // A refusal (cancelled, paid, out of order, wrong amount) is final: settlement refunds it.
        if (paid.outcome === 'refused') throw new BillerRejectedError(paid.message, paid.reason.toUpperCase());
        return postingFromRecord(paid.record);
      },

      async paymentStatus(reference) {
        if (reference.trim() === '') return { reference, status: 'not_found' };
        const record = await call((d) => d.paymentOf(reference), options.retries);
        return record ? postingFromRecord(record) : { reference, status: 'not_found' };
      },

      // Only where demands are served: elsewhere there is no file to read, and reconciliation
      // skips a biller without one rather than reporting it unreadable.
      ...(isDemandBillerPort(service)
        ? {
            async collectionReport(date: string) {
              const records = await call((d) => d.recordedOn(date), options.retries);
              return records.map(collectionEntryOf);
            },
          }
        : {}),
    };
  },
});

export default paymentDemandsAdapter;
