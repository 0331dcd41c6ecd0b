import type { BillerDescriptor, ConsumerRef } from '../../adapters/sdk/index.js';

/** One string per consumer of a biller, in the descriptor's param order: for uniqueness and cache keys. */
export function consumerKey(descriptor: BillerDescriptor, consumer: ConsumerRef): string {
  return descriptor.consumerParams.map((param) => consumer[param.name] ?? '').join('|');
}

/** What the hub shows and stores in logs of a consumer number: its last four characters. */
export function maskConsumer(descriptor: BillerDescriptor, consumer: ConsumerRef): string {
  return descriptor.consumerParams
    .map((param) => {
      const value = consumer[param.name] ?? '';
      return value.length <= 4 ? value : `${'*'.repeat(value.length - 4)}${value.slice(-4)}`;
    })
    .join(' ');
}
