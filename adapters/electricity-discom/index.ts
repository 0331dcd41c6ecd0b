import { z } from 'zod';
import {
  type BillerDescriptor,
  BillerUnavailableError,
  type CallOptions,
  type ConsumerRef,
  defineAdapter,
  type PostingResult,
  statusIfDuplicate,
  validateConsumer,
} from '../sdk/index.js';
import { createDiscomClient } from './client.js';
import { collectionEntries } from './collection-file.js';
import {
  BILLER_ID,
  billFromResponse,
  CURRENCY,
  postingFromResponse,
  statusFromResponse,
  toPaymentRequest,
} from './mapping.js';

export const descriptor: BillerDescriptor = {
  id: BILLER_ID,
  name: 'State Electricity Distribution Co.',
  category: 'electricity',
  consumerParams: [{ name: 'consumerNumber', label: 'Consumer number', pattern: '\\d{10,12}', example: '1002003004' }],
  fetchRequirement: 'MANDATORY',
  // Advance payments are credited to the account, so paying more than is due is allowed.
  exactness: 'EXACT_AND_ABOVE',
  currency: CURRENCY,
};

export const electricityDiscomOptions = z.object({
  baseUrl: z.url(),
  apiKey: z.string().min(16),
  // Coerced: registry values that come from environment variables are strings.
  timeoutMs: z.coerce.number().int().positive().default(5_000),
  retries: z.coerce.number().int().min(0).max(5).default(2),
});

export type ElectricityDiscomOptions = z.infer<typeof electricityDiscomOptions>;

export const electricityDiscomAdapter = defineAdapter<ElectricityDiscomOptions>({
  kind: 'electricity-discom',
  descriptor,
  options: electricityDiscomOptions,
  secretOptions: ['apiKey'],
  create(options, context) {
    const client = createDiscomClient({ name: BILLER_ID, ...options, log: context.log });
    // Checked first in every call, so a malformed number never reaches the discom; it is the only param.
    const consumerNumber = (consumer: ConsumerRef) => validateConsumer(descriptor, consumer).consumerNumber as string;
    const paymentStatus = async (reference: string, callOptions?: CallOptions): Promise<PostingResult> => {
      // No posting can have an empty reference; asking would only hit the collection URL.
      if (reference.trim() === '') return { reference, status: 'not_found' };
      const response = await client.getPayment(reference, callOptions?.signal);
      return statusFromResponse(reference, response.status, response.data);
    };

    return {
      async fetchBill(consumer, callOptions) {
        const number = consumerNumber(consumer);
        const response = await client.getBill(number, callOptions?.signal);
        return billFromResponse(number, response.status, response.data, new Date());
      },

      async postPayment(posting, callOptions) {
        const body = toPaymentRequest(posting, consumerNumber(posting.consumer));
        const response = await client.postPayment(body, callOptions?.signal);
        try {
          return postingFromResponse(posting.reference, response.status, response.data);
        } catch (error) {
          // "Duplicate txnRef" to a re-post: the discom has it, so its status answers, not a refusal.
          return statusIfDuplicate(posting.reference, error, (reference) => paymentStatus(reference, callOptions));
        }
      },

      paymentStatus,

      async collectionReport(date, callOptions) {
        const response = await client.getCollectionReport(date, callOptions?.signal);
        if (response.status !== 200) {
          throw new BillerUnavailableError(`${BILLER_ID} collection file answered ${response.status}`);
        }
        return collectionEntries(BILLER_ID, response.data);
      },

      async close() {
        client.close();
      },
    };
  },
});

export default electricityDiscomAdapter;
