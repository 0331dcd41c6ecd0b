import { z } from 'zod';
import {
  type BillerDescriptor,
  BillerError,
  BillerRejectedError,
  BillerUnavailableError,
  type ConsumerRef,
  defineAdapter,
  validateConsumer,
} from '../sdk/index.js';
import { createWaterBoardClient } from './client.js';
import {
  CURRENCY,
  fetchError,
  paymentResult,
  postingFailure,
  postingResult,
  statusFailure,
  toBill,
} from './mapping.js';
import { misEntries } from './mis-file.js';

const descriptor: BillerDescriptor = {
  id: 'city-water',
  name: 'City Water Supply and Sewerage Board',
  category: 'water',
  consumerParams: [{ name: 'connectionId', label: 'Connection ID', pattern: 'W\\d{2}-\\d{6}', example: 'W12-004512' }],
  fetchRequirement: 'MANDATORY',
  exactness: 'EXACT',
  currency: CURRENCY,
};

const optionsSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }),
  agencyCode: z.string().min(1),
  hmacSecret: z.string().min(16),
  // Coerced: a registry may give these from environment variables, as strings.
  timeoutMs: z.coerce.number().int().positive().default(5_000),
  retries: z.coerce.number().int().min(0).max(5).default(2),
});

export type WaterBoardOptions = z.infer<typeof optionsSchema>;

/** A validated connection id; validateConsumer has already refused a missing one. */
function connectionIdOf(consumer: ConsumerRef): string {
  return validateConsumer(descriptor, consumer).connectionId ?? '';
}

function settle<T>(outcome: BillerError | T): T {
  if (outcome instanceof BillerError) throw outcome;
  return outcome;
}

/** The municipal water board: form-encoded, HMAC-signed calls, errors as result codes. */
export const waterBoardAdapter = defineAdapter<WaterBoardOptions>({
  kind: 'water-board',
  descriptor,
  options: optionsSchema,
  secretOptions: ['hmacSecret'],
  create(options, context) {
    const client = createWaterBoardClient({ ...options, name: descriptor.id, log: context.log });
    return {
      async fetchBill(consumer, call) {
        const connectionId = connectionIdOf(consumer);
        const answer = await client.billFetch(connectionId, call?.signal);
        if (!answer.ok) throw fetchError(answer.failure);
        return toBill(answer.value, connectionId, new Date());
      },

      async postPayment(posting, call) {
        const connectionId = connectionIdOf(posting.consumer);
        if (!Number.isSafeInteger(posting.amountMinor) || posting.amountMinor <= 0) {
          throw new BillerRejectedError('amount must be a positive whole number of paise');
        }
        const answer = await client.payment(
          {
            connectionId,
            demandNo: posting.billNumber,
            amountPaise: String(posting.amountMinor),
            agencyTxnId: posting.reference,
          },
          call?.signal,
        );
        if (!answer.ok) return settle(postingFailure(posting.reference, answer.failure));
        return paymentResult(posting.reference, answer.value);
      },

      async paymentStatus(reference, call) {
        const answer = await client.txnStatus(reference, call?.signal);
        if (!answer.ok) return settle(statusFailure(reference, answer.failure));
        return postingResult(reference, answer.value);
      },

      async collectionReport(date, call) {
        const answer = await client.misReport(date, call?.signal);
        // The board answers a refusal as JSON with a result code; only CSV text is a file.
        if (answer.status !== 200 || typeof answer.data !== 'string') {
          throw new BillerUnavailableError(`${descriptor.id} MIS file refused (HTTP ${answer.status})`);
        }
        return misEntries(descriptor.id, answer.data);
      },

      async close() {
        client.close();
      },
    };
  },
});

export default waterBoardAdapter;
