import type { BillerDescriptor, ConsumerRef } from './contract.js';
import { InvalidConsumerNumberError } from './errors.js';

/**
 * Checks a consumer reference against the biller's params before anything is sent: exactly
 * the declared params, each matching its pattern in full. Returns the trimmed values.
 */
export function validateConsumer(descriptor: BillerDescriptor, consumer: ConsumerRef): ConsumerRef {
  const checked: ConsumerRef = {};
  for (const param of descriptor.consumerParams) {
    const value = consumer[param.name];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new InvalidConsumerNumberError(`${param.label} is required`);
    }
    const trimmed = value.trim();
    if (!new RegExp(`^(?:${param.pattern})$`).test(trimmed)) {
      throw new InvalidConsumerNumberError(`${param.label} should look like ${param.example}`);
    }
    checked[param.name] = trimmed;
  }
  const unknown = Object.keys(consumer).filter((name) => !descriptor.consumerParams.some((p) => p.name === name));
  if (unknown.length) throw new InvalidConsumerNumberError(`unknown field ${unknown.join(', ')}`);
  return checked;
}
