import type { Fault } from '../../sdk/testkit/index.js';

/**
 * A fault a sandbox can play, per consumer: the contract suite's kinds, plus an explicit rejection of
 * the next posting. `times` limits a fault to the next N calls and `forMs` to a span of time from its
 * injection (both optional; without them a fault lasts until reset, as it always did).
 */
export type SandboxFault = (Fault | { kind: 'reject' }) & { times?: number; forMs?: number };

/** What a sandbox should do with one call for a consumer, decided by the injected faults. */
export type FaultAction =
  | { kind: 'none' }
  | { kind: 'error_5xx' }
  | { kind: 'pending'; confirmAfterMs: number }
  /** Refuse the posting for good with the biller's own "not accepted" code. */
  | { kind: 'reject' };

interface ActiveFault {
  fault: SandboxFault;
  /** Calls left; undefined = unlimited. */
  remaining?: number;
  /** Epoch ms after which the fault is gone; undefined = never. */
  until?: number;
}

/**
 * Faults a tester injects per consumer: 5xx for the next N calls, added latency, postings that stay
 * pending for a while before they are confirmed, or an explicit rejection.
 */
export class FaultBook {
  private readonly faults = new Map<string, ActiveFault>();

  inject(consumerKey: string, fault: SandboxFault): void {
    // error_5xx always counted its calls with `times`; the other kinds only when a tester asks.
    const remaining = fault.times;
    this.faults.set(consumerKey, {
      fault,
      ...(remaining !== undefined ? { remaining } : {}),
      ...(fault.forMs !== undefined ? { until: Date.now() + fault.forMs } : {}),
    });
  }

  /** Clears every fault, or only the one of a consumer. */
  reset(consumerKey?: string): void {
    if (consumerKey === undefined) this.faults.clear();
    else this.faults.delete(consumerKey);
  }

  /** Waits out any latency, then says how to answer. */
  async apply(consumerKey: string | undefined): Promise<FaultAction> {
    const active = consumerKey ? this.faults.get(consumerKey) : undefined;
    if (!active || !this.use(active)) return { kind: 'none' };
    const { fault } = active;
    switch (fault.kind) {
      case 'latency':
        await new Promise((r) => setTimeout(r, fault.ms));
        return { kind: 'none' };
      case 'error_5xx':
        return { kind: 'error_5xx' };
      case 'pending_then_accept':
        return { kind: 'pending', confirmAfterMs: fault.ms };
      case 'reject':
        return { kind: 'reject' };
    }
  }

  /** Counts one call against the fault; false when it has run out (by count or by time). */
  private use(active: ActiveFault): boolean {
    if (active.until !== undefined && Date.now() > active.until) return false;
    if (active.remaining === undefined) return true;
    if (active.remaining <= 0) return false;
    active.remaining -= 1;
    return true;
  }
}
