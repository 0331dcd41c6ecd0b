import { z } from 'zod';
import { validateConsumer } from '../sdk/consumer.js';
import type { BillerDescriptor, BillerOperations, CallOptions, ConsumerRef, PostingResult } from '../sdk/contract.js';
import { defineAdapter } from '../sdk/define-adapter.js';
import { statusIfDuplicate } from '../sdk/duplicate-reference.js';
import { createPipedGasClient } from './client.js';
import { collectionEntries } from './collection-file.js';
import { CURRENCY, findCollection, toBill, toCollectionRequest, toPostingResult, unexpectedAnswer } from './mapping.js';
import type { Collection } from './wire.js';

const descriptor: BillerDescriptor = {
  id: 'metro-gas',
  name: 'Metro Piped Natural Gas Ltd.',
  category: 'gas',
  consumerParams: [
    {
      name: 'bpNumber',
      label: 'BP number',
      // The company's business-partner number.
      pattern: '5\\d{9}',
      example: '5001234567',
    },
  ],
  fetchRequirement: 'MANDATORY',
  // Part payments are allowed, never more than the invoice asks.
  exactness: 'EXACT_AND_BELOW',
  currency: CURRENCY,
};

// Numbers are coerced: registry options may come from environment variables.
const optionsSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }),
  clientId: z.string().min(1),
  clientSecret: z.string().min(16),
  timeoutMs: z.coerce.number().int().positive().default(5_000),
  retries: z.coerce.number().int().min(0).max(5).default(2),
});
export type PipedGasOptions = z.infer<typeof optionsSchema>;

/** Metro Piped Natural Gas: invoices and collections over its OAuth2-protected JSON API. */
export const pipedGasAdapter = defineAdapter<PipedGasOptions>({
  kind: 'piped-gas',
  descriptor,
  options: optionsSchema,
  secretOptions: ['clientSecret'],
  create(options, context): BillerOperations {
    const client = createPipedGasClient({ ...options, log: context.log });
    const bpNumberOf = (consumer: ConsumerRef) => validateConsumer(descriptor, consumer).bpNumber as string;
    const paymentStatus = async (reference: string, call?: CallOptions): Promise<PostingResult> => {
      const found = findCollection(reference, await client.findCollections(reference, call?.signal));
      return found ? toPostingResult(reference, found) : { reference, status: 'not_found' };
    };

    return {
      async fetchBill(consumer, call) {
        const bpNumber = bpNumberOf(consumer);
        const wire = await client.getInvoice(bpNumber, call?.signal);
        // Showing someone else's invoice would be far worse than showing none.
        if (wire.bp.bpNo !== bpNumber) throw unexpectedAnswer('invoice (for another BP)');
        return toBill(wire, new Date().toISOString());
      },

      async postPayment(posting, call) {
        const bpNumber = bpNumberOf(posting.consumer);
        let collection: Collection;
        try {
          collection = await client.postCollection(toCollectionRequest(bpNumber, posting), call?.signal);
        } catch (error) {
          // "Duplicate partnerRef" to a re-post: the company has it, so its status answers, not a refusal.
          return statusIfDuplicate(posting.reference, error, (reference) => paymentStatus(reference, call));
        }
        if (collection.partnerRef !== posting.reference) throw unexpectedAnswer('collection (for another reference)');
        return toPostingResult(posting.reference, collection);
      },

      paymentStatus,

      async collectionReport(date, call) {
        return collectionEntries(descriptor.id, await client.getCollectionReport(date, call?.signal));
      },

      async close() {
        client.close();
      },
    };
  },
});

export default pipedGasAdapter;
