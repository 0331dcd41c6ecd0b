import type { Fault } from '../../sdk/testkit/index.js';

/** What a sandbox should do with one call for a consumer, decided by the injected faults. */
export type FaultAction = { kind: 'none' } | { kind: 'error_5xx' } | { kind: 'pending'; confirmAfterMs: number };

/**
 * Faults a tester injects per consumer: 5xx for the next N calls, added latency, or postings
 * that stay pending for a while before they are confirmed.
 */
export class FaultBook {
  private readonly faults = new Map<string, Fault & { remaining?: number }>();

  inject(consumerKey: string, fault: Fault): void {
    this.faults.set(consumerKey, fault.kind === 'error_5xx' ? { ...fault, remaining: fault.times } : fault);
  }

  reset(): void {
    this.faults.clear();
  }

  /** Waits out any latency, then says how to answer. */
  async apply(consumerKey: string | undefined): Promise<FaultAction> {
    const fault = consumerKey ? this.faults.get(consumerKey) : undefined;
    if (!fault) return { kind: 'none' };
    switch (fault.kind) {
      case 'latency':
        await new Promise((r) => setTimeout(r, fault.ms));
        return { kind: 'none' };
      case 'error_5xx':
        if ((fault.remaining ?? 0) <= 0) return { kind: 'none' };
        fault.remaining = (fault.remaining ?? 0) - 1;
        return { kind: 'error_5xx' };
      case 'pending_then_accept':
        return { kind: 'pending', confirmAfterMs: fault.ms };
    }
  }
}
