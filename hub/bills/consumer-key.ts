import type { BillerDescriptor, ConsumerRef } from '../../adapters/sdk/index.js';

/** One string per consumer of a biller, in the descriptor's param order: for uniqueness and cache keys. */
export function consumerKey(descriptor: BillerDescriptor, consumer: ConsumerRef): string {
  return descriptor.consumerParams.map((param) => consumer[param.name] ?? '').join('|');
}

/** What the hub shows and stores in logs of a consumer number: its last four characters. */
export function maskConsumer(descriptor: BillerDescriptor, consumer: ConsumerRef): string {
  return descriptor.consumerParams
    .map((param) => {
      return maskTail(consumer[param.name] ?? '');
    })
    .join(' ');
}

/**
 * A bill number as shown beside a masked consumer: all but its last four characters hidden.
 * Billers often build bill numbers from the consumer number (the electricity sandbox's is
 * `EB` + year and month + consumer number), so a full bill number would undo the consumer's mask.
 */
export function maskBillNumber(billNumber: string): string {
  return maskTail(billNumber);
}

/** All but the last four characters as `*`; four characters or fewer are shown as they are. */
function maskTail(value: string): string {
  return value.length <= 4 ? value : `${'*'.repeat(value.length - 4)}${value.slice(-4)}`;
}
