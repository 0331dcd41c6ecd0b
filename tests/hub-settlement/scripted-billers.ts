import type { BillerRegistry, RegisteredBiller } from '../../adapters/registry/index.js';
import type { PaymentPosting, PostingResult } from '../../adapters/sdk/contract.js';
import type { BillerOperations } from '../../adapters/sdk/index.js';

/** What a scripted posting does instead of (or around) the sandbox's answer. */
export type PostScript = (posting: PaymentPosting, real: BillerOperations) => Promise<PostingResult>;
export type StatusScript = (reference: string, real: BillerOperations) => Promise<PostingResult>;

export interface ScriptedBillers {
  registry: Pick<BillerRegistry, 'get'>;
  /** Replaces postPayment for one reference; the real sandbox is handed in to post for real. */
  onPost(reference: string, script: PostScript): void;
  /** Replaces paymentStatus for one reference. */
  onStatus(reference: string, script: StatusScript): void;
  clear(reference: string): void;
}

/**
 * The sandboxes' registry with answers a test can script per posting reference: an answer lost
 * after the biller recorded the posting, a biller that has no record, a status that stays
 * pending. Every other call goes to the sandbox as it is.
 */
export function scriptedBillers(real: Pick<BillerRegistry, 'get'>): ScriptedBillers {
  const posts = new Map<string, PostScript>();
  const statuses = new Map<string, StatusScript>();
  const wrap = (biller: RegisteredBiller): RegisteredBiller => {
    const ops = biller.operations;
    return {
      descriptor: biller.descriptor,
      operations: {
        fetchBill: (consumer, options) => ops.fetchBill(consumer, options),
        postPayment: (posting, options) => {
          const script = posts.get(posting.reference);
          return script ? script(posting, ops) : ops.postPayment(posting, options);
        },
        paymentStatus: (reference, options) => {
          const script = statuses.get(reference);
          return script ? script(reference, ops) : ops.paymentStatus(reference, options);
        },
      },
    };
  };
  return {
    registry: {
      get: (id) => {
        const biller = real.get(id);
        return biller && wrap(biller);
      },
    },
    onPost: (reference, script) => posts.set(reference, script),
    onStatus: (reference, script) => statuses.set(reference, script),
    clear: (reference) => {
      posts.delete(reference);
      statuses.delete(reference);
    },
  };
}
