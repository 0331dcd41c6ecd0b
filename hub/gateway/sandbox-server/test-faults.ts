/**
 * Faults a tester injects into the sandbox gateway per order (POST /__sandbox/faults), and the
 * refunds it made with their idempotency keys (GET /__sandbox/refunds), so a harness can check
 * that each line was refunded at most once without the hub's word for it.
 */
export class GatewayTestFaults {
  private readonly dropped = new Set<string>();
  private readonly partial = new Map<string, number>();
  private readonly refunds = new Map<string, { key: string; refundId: string; amountMinor: number }[]>();

  /** Every later delivery of this order's events is dropped (recorded, never sent): webhook loss. */
  dropWebhooks(orderId: string): void {
    this.dropped.add(orderId);
  }

  dropsWebhooks(orderId: string): boolean {
    return this.dropped.has(orderId);
  }

  /** A successful payment of this order captures only `amountMinor` (paise), not the order amount. */
  capturePartially(orderId: string, amountMinor: number): void {
    this.partial.set(orderId, amountMinor);
  }

  /** The amount to capture for the order: the injected partial amount, else the full amount. */
  captureAmount(orderId: string, fullMinor: number): number {
    return Math.min(fullMinor, this.partial.get(orderId) ?? fullMinor);
  }

  noteRefund(orderId: string, key: string, refundId: string, amountMinor: number): void {
    const list = this.refunds.get(orderId) ?? [];
    list.push({ key, refundId, amountMinor });
    this.refunds.set(orderId, list);
  }

  /** The refunds made (new ones only, not idempotent repeats), for one order or all. */
  refundsOf(orderId?: string): { orderId: string; key: string; refundId: string; amountMinor: number }[] {
    const entries = orderId ? [[orderId, this.refunds.get(orderId) ?? []] as const] : [...this.refunds.entries()];
    return entries.flatMap(([id, list]) => list.map((refund) => ({ orderId: id, ...refund })));
  }

  /** Clears the faults; the refund record stays, since it is what happened. */
  reset(): void {
    this.dropped.clear();
    this.partial.clear();
  }
}
