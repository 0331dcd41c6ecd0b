import { z } from 'zod';
import { type BillerDescriptor, type ConsumerRef, defineAdapter, validateConsumer } from '../sdk/index.js';
import { createTemplateBillerClient } from './client.js';
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
  name: 'Template Biller',
  category: 'other',
  consumerParams: [{ name: 'accountNo', label: 'Account number', pattern: '\\d{8}', example: '10000001' }],
  fetchRequirement: 'MANDATORY',
  exactness: 'EXACT',
  currency: CURRENCY,
};

export const templateBillerOptions = z.object({
  baseUrl: z.url(),
  apiKey: z.string().min(16),
  // Coerced: registry values that come from environment variables are strings.
  timeoutMs: z.coerce.number().int().positive().default(5_000),
  retries: z.coerce.number().int().min(0).max(5).default(2),
});

export type TemplateBillerOptions = z.infer<typeof templateBillerOptions>;

/** The biller's adapter, found by the registry (adapters/billers.json: `"adapter": "<this folder>"`). */
export const templateBillerAdapter = defineAdapter<TemplateBillerOptions>({
  kind: 'template-biller',
  descriptor,
  options: templateBillerOptions,
  secretOptions: ['apiKey'],
  create(options, context) {
    const client = createTemplateBillerClient({ name: BILLER_ID, ...options, log: context.log });
    // Checked first in every call, so a malformed number never reaches the biller.
    const accountNo = (consumer: ConsumerRef) => validateConsumer(descriptor, consumer).accountNo as string;
    return {
      async fetchBill(consumer, callOptions) {
        const number = accountNo(consumer);
        const response = await client.getBill(number, callOptions?.signal);
        return billFromResponse(number, response.status, response.data, new Date());
      },
      async postPayment(posting, callOptions) {
        const response = await client.postPayment(
          toPaymentRequest(posting, accountNo(posting.consumer)),
          callOptions?.signal,
        );
        return postingFromResponse(posting.reference, response.status, response.data);
      },
      async paymentStatus(reference, callOptions) {
        if (reference.trim() === '') return { reference, status: 'not_found' };
        const response = await client.getPayment(reference, callOptions?.signal);
        return statusFromResponse(reference, response.status, response.data);
      },
      async close() {
        client.close();
      },
    };
  },
});

export default templateBillerAdapter;
